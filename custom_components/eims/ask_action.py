"""The `eims.ask` action: send a question by SMS and wait for the reply in the background."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv, service
from homeassistant.util import dt as dt_util, ulid as ulid_util
import voluptuous as vol

from .account.ask import Question
from .account.outgoing import OutgoingMessage
from .account.receive import ATTR_ASK_ID
from .account.recipients import recipient_numbers
from .const import DOMAIN
from .entry import EimsConfigEntry
from .errors import validation_error
from .matching import phrase_words, sender_key
from .numbers import async_parse, normalise_numbers
from .text import listing
from .timestamps import utc_iso

SERVICE_ASK: Final = "ask"
ORIGIN_ASK: Final = "ask"

ATTR_TO: Final = "to"
ATTR_QUESTION: Final = "question"
ATTR_CHOICES: Final = "choices"
ATTR_TIMEOUT: Final = "timeout"

DEFAULT_TIMEOUT: Final = timedelta(minutes=10)
MAX_TIMEOUT: Final = timedelta(days=7)
MAX_ASK_ID_LENGTH: Final = 64

ASK_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_TO): vol.All(cv.ensure_list, [cv.string]),
        vol.Required(ATTR_QUESTION): cv.string,
        vol.Optional(ATTR_CHOICES): vol.Any(dict, list),
        vol.Optional(ATTR_TIMEOUT, default=DEFAULT_TIMEOUT): cv.positive_time_period,
        vol.Optional(ATTR_ASK_ID): vol.All(
            cv.string, vol.Strip, vol.Length(min=1, max=MAX_ASK_ID_LENGTH)
        ),
    }
)


def _choices(value: Mapping[Any, Any] | Sequence[Any] | None) -> dict[str, str]:
    """Return {what to text: what it means}; a list's items mean themselves."""
    if value is None:
        return {}
    pairs = value.items() if isinstance(value, Mapping) else ((v, v) for v in value)
    choices: dict[str, str] = {}
    seen: dict[tuple[str, ...], str] = {}
    for raw_reply, raw_meaning in pairs:
        reply, meaning = str(raw_reply).strip(), str(raw_meaning).strip()
        words = phrase_words(reply)
        if not words or not meaning:
            raise validation_error("ask_choice_empty", choice=reply or meaning)
        if words in seen:
            raise validation_error("ask_choice_twice", first=seen[words], second=reply)
        seen[words] = reply
        choices[reply] = meaning
    return choices


def _check_timeout(timeout: timedelta) -> timedelta:
    if not timedelta(0) < timeout <= MAX_TIMEOUT:
        raise validation_error(
            "ask_timeout_out_of_range", max_days=str(MAX_TIMEOUT.days)
        )
    return timeout


async def _async_numbers(
    call: ServiceCall, entry: EimsConfigEntry, to: list[str]
) -> list[str]:
    """Return the numbers `to` names: recipients by name, the rest read as numbers."""
    numbers: list[str] = []
    others: list[str] = []
    for value in to:
        if (found := recipient_numbers(entry, value)) is not None:
            numbers.extend(found)
        else:
            others.append(value)
    if others:
        parsed = await async_parse(
            call.hass,
            lambda country: normalise_numbers(others, country=country, plus=True),
        )
        if parsed.emergency:
            raise validation_error(
                "emergency_numbers", numbers=listing(parsed.emergency)
            )
        if parsed.invalid:
            raise validation_error("ask_unknown_to", values=listing(parsed.invalid))
        numbers.extend(parsed.valid)
    if not numbers:
        raise validation_error("no_numbers")
    return list(dict.fromkeys(numbers))


async def async_ask(call: ServiceCall) -> ServiceResponse:
    """Send the question; its reply (or its timeout) fires `eims.reply_received`."""
    entry: EimsConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    # Taken now: a reload may replace the entry's account while this call waits.
    account = entry.runtime_data.account
    choices = _choices(call.data.get(ATTR_CHOICES))
    timeout = _check_timeout(call.data[ATTR_TIMEOUT])
    numbers = await _async_numbers(call, entry, call.data[ATTR_TO])
    text: str = call.data[ATTR_QUESTION]
    # The question is noted before the account may stop: a reload finds it on disk.
    with account.sending():
        outcome = await account.async_send(
            OutgoingMessage(numbers=numbers, message=text, hold_repeats=False),
            ORIGIN_ASK,
        )
        country = call.hass.config.country
        asked = tuple(
            dict.fromkeys(
                sender_key(number, country=country)
                for number in outcome.result.accepted.values()
            )
        )
        if not asked:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="ask_not_sent",
                translation_placeholders={"numbers": listing(numbers)},
            )
        now = dt_util.utcnow()
        question = Question(
            ask_id=call.data.get(ATTR_ASK_ID) or ulid_util.ulid_now(),
            numbers=asked,
            question=text,
            choices=choices,
            asked_at=now,
            expires_at=now + timeout,
        )
        account.questions.async_ask(question)
    return {
        "ask_id": question.ask_id,
        "numbers": list(outcome.result.accepted.values()),
        "expires_at": utc_iso(question.expires_at),
    }
