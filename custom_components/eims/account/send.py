"""The one way a message leaves Home Assistant: checked, normalised, sent, then noted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from ..api import (
    Accepted,
    EimsAuthError,
    EimsCannotConnectError,
    EimsConnectionError,
    EimsError,
    EimsPartialSendError,
    EimsStatusError,
    EimsValidationError,
    SendRequest,
    SendResult,
    SmsType,
    format_gateway_time,
)
from ..const import DOMAIN, LOGGER
from ..entry import EimsConfigEntry
from ..errors import as_ha_error, validation_error
from ..issues import (
    ACCESS_ISSUES,
    INSUFFICIENT_BALANCE,
    async_clear_issues,
    async_raise_issue,
)
from ..numbers import mask_number
from ..segments import SegmentInfo
from ..text import listing
from .outgoing import OutgoingMessage, async_parse_numbers, check_message, future_time

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


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A message checked and ready for the client."""

    request: SendRequest
    invalid: list[str]
    segments: SegmentInfo
    # When the gateway is to send it; None: now.
    send_at: datetime | None


async def _async_prepare(
    hass: HomeAssistant, entry: EimsConfigEntry, outgoing: OutgoingMessage
) -> _Prepared:
    """Check everything the user gave before anything goes to the gateway."""
    segments = check_message(outgoing.message, gsm7_only=outgoing.gsm7_only)
    send_time = aware = None
    if outgoing.send_time is not None:
        aware = future_time(outgoing.send_time)
        try:
            send_time = format_gateway_time(
                aware, entry.runtime_data.account.client.time_zone
            )
        except EimsValidationError as err:
            raise validation_error("time_out_of_range", time=aware.isoformat()) from err
    parsed = await async_parse_numbers(
        hass, entry, outgoing.numbers, skip_invalid=outgoing.skip_invalid
    )
    if parsed.invalid:
        LOGGER.info(
            "Skipping %s invalid numbers: %s",
            len(parsed.invalid),
            listing([mask_number(number) for number in parsed.invalid]),
        )
    request = SendRequest(
        numbers=parsed.valid,
        content=outgoing.message,
        sms_type=SmsType.MMS if outgoing.mms_title else SmsType.SMS,
        mms_title=outgoing.mms_title or None,
        sender=outgoing.sender or None,
        send_time=send_time,
    )
    return _Prepared(request, parsed.invalid, segments, aware)


@callback
def async_poll_after_send(hass: HomeAssistant, entry: EimsConfigEntry) -> None:
    """Poll the balance and messages now: the balance moved, quick reports may be waiting."""
    runtime = entry.runtime_data
    for coordinator in (runtime.balance, runtime.messages):
        entry.async_create_task(hass, coordinator.async_request_refresh())


def gateway_error(
    hass: HomeAssistant, entry: EimsConfigEntry, err: EimsError
) -> HomeAssistantError:
    """Translate a refused send or job, raising the repair issue the cause calls for."""
    if isinstance(err, EimsAuthError):
        entry.async_start_reauth(hass)
    elif isinstance(err, EimsStatusError) and err.reason in (
        *ACCESS_ISSUES,
        INSUFFICIENT_BALANCE,
    ):
        async_raise_issue(hass, entry, err.reason)
    return as_ha_error(err, HomeAssistantError)


async def async_send(
    hass: HomeAssistant, entry: EimsConfigEntry, outgoing: OutgoingMessage, origin: str
) -> SendOutcome:
    """
    Send one message to its numbers, once: a timeout is never retried.

    Raises ServiceValidationError for input refused before sending, HomeAssistantError
    when the gateway refuses or does not answer.
    """
    prepared = await _async_prepare(hass, entry, outgoing)
    account = entry.runtime_data.account
    spending = account.spending
    admission = spending.admit(
        prepared.request, prepared.segments.segments, hold_repeats=outgoing.hold_repeats
    )
    if admission.request is None:
        return SendOutcome(
            result=SendResult(),
            invalid=prepared.invalid,
            segments=prepared.segments,
            suppressed=admission.suppressed,
        )
    numbers = len(admission.request.numbers)

    @callback
    def async_accepted(accepted: Accepted) -> None:
        account.tracker.async_track(accepted, origin)
        account.conversations.async_add_sent(
            accepted, prepared.request.content, prepared.send_at
        )

    try:
        # Each request's messages are followed as soon as it is accepted, and only then:
        # a report may come before the next request's reply, on success or failure.
        result = await account.client.send_sms([admission.request], async_accepted)
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
            # Earlier batches went out (and are followed): on disk before the error is told.
            async_poll_after_send(hass, entry)
            await account.tracker.async_flush()
        # Only a failed connect proves nothing was sent; anything later may have sent it.
        if isinstance(cause, EimsConnectionError) and not isinstance(
            cause, EimsCannotConnectError
        ):
            spending.settle(admission, None)
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="send_timeout",
                translation_placeholders={
                    "count": str(numbers),
                    "accepted": str(accepted.success if accepted else 0),
                    "ids": listing(list(accepted.accepted)) if accepted else "-",
                },
            ) from err
        spending.settle(admission, accepted.success if accepted else 0)
        raise gateway_error(hass, entry, cause) from err
    LOGGER.debug(
        "Sent to %s numbers (%s): %s accepted, %s failed",
        numbers,
        origin,
        result.success,
        result.fail,
    )
    spending.settle(admission, result.success)
    async_clear_issues(hass, entry, INSUFFICIENT_BALANCE)
    async_poll_after_send(hass, entry)
    # On disk before the caller hears of the ids: a crash now loses none of them.
    await account.tracker.async_flush()
    return SendOutcome(
        result=result,
        invalid=prepared.invalid,
        segments=prepared.segments,
        suppressed=admission.suppressed,
    )
