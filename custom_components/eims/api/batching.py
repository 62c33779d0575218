"""Splitting sends and report queries into requests the gateway accepts, and their fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC
from itertools import batched
from typing import Any

from .exceptions import EimsResponseError, EimsValidationError
from .models import SendRequest
from .values import check_message_type, checked_number, digits_key, parse_gateway_time

POST_NUMBER_LIMIT = 10000
GET_NUMBER_LIMIT = 100
REPORT_ID_LIMIT = 200


@dataclass(frozen=True, slots=True)
class SendBatch:
    """The items of one sendsms request; `as_array` selects the `smsarray` form."""

    items: tuple[SendRequest, ...]
    as_array: bool

    @property
    def numbers(self) -> list[str]:
        """Every number of the batch, in order."""
        return [number for item in self.items for number in item.numbers]

    def fields(self) -> dict[str, Any]:
        """Return the sendsms fields, in the `smsarray` form when the batch holds several."""
        if self.as_array:
            return {"smsarray": [_send_item(item) for item in self.items]}
        return dict(_send_item(self.items[0]))


def _send_item(item: SendRequest) -> dict[str, str | int]:
    """Return the sendsms fields of one request."""
    fields: dict[str, str | int] = {
        "numbers": ",".join(item.numbers),
        "content": item.content,
        "smstype": int(item.sms_type),
    }
    optional = {
        "mmstitle": item.mms_title,
        "sender": item.sender,
        "sendtime": item.send_time,
    }
    fields.update({key: value for key, value in optional.items() if value is not None})
    return fields


def _message_key(request: SendRequest) -> tuple[object, ...]:
    """Return what makes two requests the same message."""
    return (
        request.content,
        request.sms_type,
        request.mms_title,
        request.sender,
        request.send_time,
    )


def _check_message(request: SendRequest) -> None:
    """Refuse a message the gateway would refuse anyway."""
    if not request.content:
        raise EimsValidationError("content", "empty_content")
    check_message_type(request.sms_type, request.mms_title)
    if request.send_time is not None:
        try:
            parse_gateway_time(request.send_time, UTC)
        except EimsResponseError:
            raise EimsValidationError(
                "send_time", "invalid_time", request.send_time
            ) from None


def unique_requests(requests: Sequence[SendRequest]) -> list[SendRequest]:
    """
    Validate requests and drop repeated numbers, so one call sends each number once.

    A number repeated for the same message is dropped; a number given two different
    messages is refused, since one call never sends a number twice.
    """
    if not requests:
        raise EimsValidationError("numbers", "no_numbers")
    seen: dict[str, tuple[object, ...]] = {}
    unique: list[SendRequest] = []
    for request in requests:
        _check_message(request)
        key = _message_key(request)
        numbers: list[str] = []
        for raw in request.numbers:
            number = checked_number(raw)
            digits = digits_key(number)
            if digits in seen:
                if seen[digits] != key:
                    raise EimsValidationError("numbers", "duplicate_number", number)
                continue
            seen[digits] = key
            numbers.append(number)
        if numbers:
            unique.append(replace(request, numbers=numbers))
    if not unique:
        raise EimsValidationError("numbers", "no_numbers")
    return unique


def plan_send_batches(
    requests: Sequence[SendRequest], *, use_get: bool
) -> list[SendBatch]:
    """
    Pack requests into batches of at most the method's number limit.

    POST packs several requests into one `smsarray` body; GET has no array form,
    so each GET carries one request's numbers.
    """
    unique = unique_requests(requests)
    if use_get:
        return [
            SendBatch((replace(item, numbers=chunk),), as_array=False)
            for item in unique
            for chunk in batched(item.numbers, GET_NUMBER_LIMIT, strict=False)
        ]
    as_array = len(unique) > 1
    batches: list[SendBatch] = []
    current: list[SendRequest] = []
    room = POST_NUMBER_LIMIT
    for item in unique:
        numbers = list(item.numbers)
        while numbers:
            take, numbers = numbers[:room], numbers[room:]
            current.append(replace(item, numbers=take))
            room -= len(take)
            if room == 0:
                batches.append(SendBatch(tuple(current), as_array))
                current, room = [], POST_NUMBER_LIMIT
    if current:
        batches.append(SendBatch(tuple(current), as_array))
    return batches


def plan_report_batches(ids: Sequence[int]) -> list[tuple[int, ...]]:
    """Split report ids, without repeats, into requests of at most 200."""
    unique: dict[int, None] = {}
    for message_id in ids:
        if (
            isinstance(message_id, bool)
            or not isinstance(message_id, int)
            or message_id < 0
        ):
            raise EimsValidationError("ids", "invalid_id", message_id)
        unique[message_id] = None
    if not unique:
        raise EimsValidationError("ids", "no_ids")
    return list(batched(unique, REPORT_ID_LIMIT, strict=False))
