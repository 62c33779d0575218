"""Actions of the EIMS integration: send an SMS now or later, ask, create a job, read messages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv, service
import voluptuous as vol
from yarl import URL

from .account.outgoing import (
    OutgoingMessage,
    as_aware,
    async_parse_numbers,
    check_message,
    future_time,
)
from .account.send import ORIGIN_ACTION
from .api import EimsValidationError, JobType, SmsJob, SmsType
from .ask_action import ASK_SCHEMA, SERVICE_ASK, async_ask
from .const import ATTR_MMS_TITLE, ATTR_SEND_TIME, ATTR_SENDER, DOMAIN
from .entry import EimsConfigEntry
from .errors import validation_error
from .messages_action import (
    GET_MESSAGES_SCHEMA,
    SERVICE_GET_MESSAGES,
    async_get_messages,
)

SERVICE_SEND_SMS: Final = "send_sms"
SERVICE_CREATE_JOB: Final = "create_job"

ATTR_NUMBERS: Final = "numbers"
ATTR_MESSAGE: Final = "message"
ATTR_SKIP_INVALID: Final = "skip_invalid"
ATTR_NAME: Final = "name"
ATTR_NUMBERS_URL: Final = "numbers_url"
ATTR_JOB_TYPE: Final = "job_type"
ATTR_PERIOD: Final = "period"
ATTR_INTERVAL: Final = "interval"
ATTR_MINUTE: Final = "minute"
ATTR_HOUR: Final = "hour"
ATTR_DAY: Final = "day"
ATTR_WEEK: Final = "week"
ATTR_MONTH: Final = "month"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
ATTR_RETRY: Final = "retry"
ATTR_FLASH: Final = "flash"

JOB_TYPES: Final = {
    "immediate": JobType.IMMEDIATE,
    "timed": JobType.TIMING,
    "interval": JobType.INTERVAL,
    "daily": JobType.DAILY,
    "weekly": JobType.WEEKLY,
    "monthly": JobType.MONTHLY,
}
# Integer job fields: ranges are the client's to check, so errors say which field.
_JOB_INTS: Final = (
    ATTR_PERIOD,
    ATTR_INTERVAL,
    ATTR_MINUTE,
    ATTR_HOUR,
    ATTR_DAY,
    ATTR_WEEK,
    ATTR_MONTH,
)
# SmsJob's field names as the action calls them.
_JOB_FIELDS: Final = {
    "content": ATTR_MESSAGE,
    "plan_start": ATTR_START,
    "plan_end": ATTR_END,
}
_JOB_ERRORS: Final = {
    "invalid_job_name": "job_name_invalid",
    "numbers_too_long": "job_numbers_too_long",
    "required": "job_field_required",
    "out_of_range": "job_field_out_of_range",
    "invalid_time": "job_end_before_start",
}

NUMBERS = vol.Any([cv.string], cv.string)
JOB_INT_FIELDS: dict[vol.Marker, Any] = {
    vol.Optional(field): vol.Coerce(int) for field in _JOB_INTS
}

SEND_SMS_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_NUMBERS): NUMBERS,
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_SENDER): cv.string,
        vol.Optional(ATTR_MMS_TITLE): cv.string,
        vol.Optional(ATTR_SEND_TIME): cv.datetime,
        vol.Optional(ATTR_SKIP_INVALID, default=False): cv.boolean,
    }
)
CREATE_JOB_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_NAME): cv.string,
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Exclusive(ATTR_NUMBERS, "numbers"): NUMBERS,
        vol.Exclusive(ATTR_NUMBERS_URL, "numbers"): cv.url,
        vol.Optional(ATTR_JOB_TYPE, default="immediate"): vol.In(JOB_TYPES),
        **JOB_INT_FIELDS,
        vol.Optional(ATTR_START): cv.datetime,
        vol.Optional(ATTR_END): cv.datetime,
        vol.Optional(ATTR_RETRY, default=0): vol.Coerce(int),
        vol.Optional(ATTR_FLASH, default=False): cv.boolean,
        vol.Optional(ATTR_SENDER): cv.string,
        vol.Optional(ATTR_MMS_TITLE): cv.string,
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, not per entry)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_SMS,
        _async_send_sms,
        schema=SEND_SMS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_ASK,
        async_ask,
        schema=ASK_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_CREATE_JOB,
        _async_create_job,
        schema=CREATE_JOB_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_MESSAGES,
        async_get_messages,
        schema=GET_MESSAGES_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )


async def _async_send_sms(call: ServiceCall) -> ServiceResponse:
    """Send a message to numbers now, or at `send_time`."""
    entry: EimsConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    # Taken now: a reload may replace the entry's account while this call waits.
    account = entry.runtime_data.account
    outgoing = OutgoingMessage(
        numbers=call.data[ATTR_NUMBERS],
        message=call.data[ATTR_MESSAGE],
        sender=call.data.get(ATTR_SENDER),
        mms_title=call.data.get(ATTR_MMS_TITLE),
        send_time=call.data.get(ATTR_SEND_TIME),
        skip_invalid=call.data[ATTR_SKIP_INVALID],
    )
    outcome = await account.async_send(outgoing, ORIGIN_ACTION)
    # A 100,000-number send's response is 100,000 entries: built only for a caller that reads it.
    return outcome.as_response() if call.return_response else None


async def _async_create_job(call: ServiceCall) -> ServiceResponse:
    """Create a job the gateway runs itself; return its id."""
    hass = call.hass
    entry: EimsConfigEntry = service.async_get_config_entry(
        hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    account = entry.runtime_data.account
    job = await _async_build_job(hass, entry, call.data)
    job_id = await account.async_create_job(job)
    return {"job_id": job_id}


async def _async_job_numbers(
    hass: HomeAssistant, entry: EimsConfigEntry, data: Mapping[str, Any]
) -> tuple[str, bool]:
    """Return the job's numbers (normalised, comma-separated) or its .xls URL."""
    if url := data.get(ATTR_NUMBERS_URL):
        if not URL(url).path.lower().endswith(".xls"):
            raise validation_error("numbers_url_not_xls", url=url)
        return url, True
    if ATTR_NUMBERS not in data:
        raise validation_error("no_numbers")
    parsed = await async_parse_numbers(hass, entry, data[ATTR_NUMBERS])
    return ",".join(parsed.valid), False


def _job_start(start: datetime | None, job_type: JobType) -> datetime | None:
    """Return the job's start: a timed job's must be ahead, a periodic one may have begun."""
    if start is None:
        return None
    return future_time(start) if job_type is JobType.TIMING else as_aware(start)


async def _async_build_job(
    hass: HomeAssistant, entry: EimsConfigEntry, data: Mapping[str, Any]
) -> SmsJob:
    """Check the job's fields and build it; nothing is sent yet."""
    check_message(data[ATTR_MESSAGE])
    numbers, from_url = await _async_job_numbers(hass, entry, data)
    job_type = JOB_TYPES[data[ATTR_JOB_TYPE]]
    mms_title = data.get(ATTR_MMS_TITLE) or None
    job = SmsJob(
        name=data[ATTR_NAME],
        content=data[ATTR_MESSAGE],
        numbers=numbers,
        numbers_from_url=from_url,
        job_type=job_type,
        **{field: data.get(field) for field in _JOB_INTS},
        plan_start=_job_start(data.get(ATTR_START), job_type),
        plan_end=None if (end := data.get(ATTR_END)) is None else future_time(end),
        retry=data[ATTR_RETRY],
        flash=data[ATTR_FLASH],
        sender=data.get(ATTR_SENDER) or None,
        sms_type=SmsType.MMS if mms_title else SmsType.SMS,
        mms_title=mms_title,
    )
    try:
        job.validate()
    except EimsValidationError as err:
        raise validation_error(
            _JOB_ERRORS.get(err.reason, "job_field_invalid"),
            field=_JOB_FIELDS.get(err.field, err.field),
            value=str(err.value),
        ) from err
    return job
