"""An account's one way out: every message and job checked, admitted, sent once, tracked."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from ..api import (
    Accepted,
    EimsCannotConnectError,
    EimsClient,
    EimsConnectionError,
    EimsError,
    EimsPartialSendError,
    EimsTimeoutError,
    EimsValidationError,
    SendRequest,
    SendResult,
    SmsJob,
    SmsType,
    format_gateway_time,
)
from ..const import DOMAIN, LOGGER
from ..errors import async_gateway_answered, async_gateway_error, validation_error
from ..numbers import mask_number
from ..segments import SegmentInfo
from ..text import listing
from .conversations import Conversations
from .guard import SpendingGuard
from .outgoing import OutgoingMessage, async_parse_numbers, check_message, future_time
from .track import DeliveryTracker

ORIGIN_ACTION: Final = "action"
ORIGIN_NOTIFY: Final = "notify"


@dataclass(frozen=True, kw_only=True)
class SendOutcome:
    """What a send did: the gateway's result, the numbers refused first, and the cost."""

    result: SendResult
    invalid: list[str]
    segments: SegmentInfo
    suppressed: list[str] = field(default_factory=list)

    def as_response(self) -> dict[str, Any]:
        """Return the action's response data."""
        return {
            "success": self.result.success,
            "fail": self.result.fail,
            "messages": [
                {"number": number, "id": message_id}
                for message_id, number in self.result.accepted.items()
            ],
            "failed": [
                {"number": failed.number, "reason": failed.reason}
                for failed in self.result.failed
            ],
            "invalid": self.invalid,
            "suppressed": self.suppressed,
            "segments": self.segments.segments,
            "encoding": self.segments.encoding,
        }


class Sender:
    """
    The account's one send pipeline: messages and jobs checked, admitted, sent, tracked.

    A send in flight ends against the account it started on: stopping waits for it, so
    its ids are on disk before the next account reads them.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        client: EimsClient,
        *,
        tracker: DeliveryTracker,
        spending: SpendingGuard,
        conversations: Conversations,
    ) -> None:
        """Send through `client`; what the gateway accepts goes to the tracker at once."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._tracker = tracker
        self._spending = spending
        self._conversations = conversations
        self._sent_listeners: list[Callable[[], Coroutine[Any, Any, None]]] = []
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False

    @callback
    def async_add_sent_listener(
        self, listener: Callable[[], Coroutine[Any, Any, None]]
    ) -> CALLBACK_TYPE:
        """Run `listener` after each send or job the gateway took; return the remover."""
        self._sent_listeners.append(listener)
        return lambda: self._sent_listeners.remove(listener)

    @contextmanager
    def sending(self) -> Iterator[None]:
        """Keep the account from stopping until the block ends; refuse once it stops."""
        if self._stopping:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="account_stopping",
                translation_placeholders={"entry_title": self._entry.title},
            )
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def async_stop(self) -> None:
        """Refuse new sends; wait for those in flight (each request has its own timeout)."""
        self._stopping = True
        await self._idle.wait()

    @callback
    def _async_sent(self) -> None:
        """Tell who polls after a send: the balance moved, quick reports may be waiting."""
        if self._stopping:
            return
        for listener in self._sent_listeners:
            self._entry.async_create_task(self._hass, listener())

    async def async_send(self, outgoing: OutgoingMessage, origin: str) -> SendOutcome:
        """
        Send one message to its numbers, once: a timeout is never retried.

        Raises ServiceValidationError for input refused before sending, HomeAssistantError
        when the gateway refuses or does not answer, or the account is stopping.
        """
        with self.sending():
            return await self._async_send(outgoing, origin)

    async def async_create_job(self, job: SmsJob) -> int:
        """Create a job the gateway runs itself; return its id."""
        with self.sending():
            try:
                job_id = await self._client.create_job(job)
            except EimsTimeoutError as err:
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="job_timeout",
                    translation_placeholders={"name": job.name},
                ) from err
            except EimsError as err:
                raise async_gateway_error(
                    self._hass, self._entry, err, polling=False
                ) from err
            async_gateway_answered(self._hass, self._entry)
            # A job's messages get their ids on the gateway: only the balance moves.
            self._async_sent()
            return job_id

    def _gateway_time(
        self, outgoing: OutgoingMessage
    ) -> tuple[datetime | None, str | None]:
        """Return when the message is to go out, and that time in the gateway's form."""
        if outgoing.send_time is None:
            return None, None
        aware = future_time(outgoing.send_time)
        try:
            return aware, format_gateway_time(aware, self._client.time_zone)
        except EimsValidationError as err:
            raise validation_error("time_out_of_range", time=aware.isoformat()) from err

    async def _async_send(self, outgoing: OutgoingMessage, origin: str) -> SendOutcome:
        segments = check_message(outgoing.message, gsm7_only=outgoing.gsm7_only)
        send_at, send_time = self._gateway_time(outgoing)
        parsed = await async_parse_numbers(
            self._hass,
            self._entry,
            outgoing.numbers,
            skip_invalid=outgoing.skip_invalid,
        )
        if parsed.invalid:
            LOGGER.info(
                "Skipping %s invalid numbers: %s",
                len(parsed.invalid),
                listing([mask_number(number) for number in parsed.invalid]),
            )
        request, suppressed = self._spending.admit(
            SendRequest(
                numbers=parsed.valid,
                content=outgoing.message,
                sms_type=SmsType.MMS if outgoing.mms_title else SmsType.SMS,
                mms_title=outgoing.mms_title or None,
                sender=outgoing.sender or None,
                send_time=send_time,
            ),
            segments.segments,
            hold_repeats=outgoing.hold_repeats,
        )
        outcome = SendOutcome(
            result=SendResult(),
            invalid=parsed.invalid,
            segments=segments,
            suppressed=suppressed,
        )
        if request is None:
            return outcome
        result = await self._async_send_request(
            request, segments.segments, send_at, origin
        )
        return replace(outcome, result=result)

    async def _async_send_request(
        self,
        request: SendRequest,
        segments: int,
        send_at: datetime | None,
        origin: str,
    ) -> SendResult:
        """Send what the guard admitted; each accepted request is tracked as it comes."""
        numbers = len(request.numbers)

        @callback
        def async_accepted(accepted: Accepted) -> None:
            self._tracker.async_track(accepted, origin)
            self._conversations.async_add_sent(accepted, request.content, send_at)

        try:
            # Each request's messages are followed as soon as it is accepted, and only then:
            # a report may come before the next request's reply, on success or failure.
            result = await self._client.send_sms([request], async_accepted)
        except EimsError as err:
            accepted: SendResult | None = None
            cause = err
            if isinstance(err, EimsPartialSendError):
                accepted, cause = err.accepted, err.cause
                LOGGER.warning(
                    "The gateway accepted %s of %s numbers before failing: %s",
                    accepted.success,
                    numbers,
                    cause,
                )
                # Earlier batches went out (and are followed): on disk before the error.
                self._async_sent()
                await self._tracker.async_flush()
            # Only a failed connect proves nothing was sent; anything later may have sent it.
            if isinstance(cause, EimsConnectionError) and not isinstance(
                cause, EimsCannotConnectError
            ):
                self._spending.settle(request, segments, None)
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="send_timeout",
                    translation_placeholders={
                        "count": str(numbers),
                        "accepted": str(accepted.success if accepted else 0),
                        "ids": listing(list(accepted.accepted)) if accepted else "-",
                    },
                ) from err
            self._spending.settle(
                request, segments, accepted.success if accepted else 0
            )
            raise async_gateway_error(
                self._hass, self._entry, cause, polling=False
            ) from err
        LOGGER.debug(
            "Sent to %s numbers (%s): %s accepted, %s failed",
            numbers,
            origin,
            result.success,
            result.fail,
        )
        self._spending.settle(request, segments, result.success)
        async_gateway_answered(self._hass, self._entry, sent=True)
        self._async_sent()
        # On disk before the caller hears of the ids: a crash now loses none of them.
        await self._tracker.async_flush()
        return result
