"""Describe the integration's bus events in the logbook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .const import DEFAULT_NAME, DOMAIN
from .inbox import (
    ATTR_DECODED,
    ATTR_ENTRY_ID,
    ATTR_RAW,
    ATTR_SENDER,
    ATTR_TEXT,
    EVENT_SMS_RECEIVED,
)
from .tracker import EVENT_DELIVERY_REPORT

# Enough to recognise a message without filling the logbook with it.
EXCERPT_LENGTH: Final = 50

type Describer = Callable[[Event], dict[str, str]]


def excerpt(text: str) -> str:
    """Return the start of a text on one line, with "…" when cut."""
    line = " ".join(text.split())
    if len(line) <= EXCERPT_LENGTH:
        return line
    return line[:EXCERPT_LENGTH].rstrip() + "…"


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Describer], None],
) -> None:
    """Describe the events the integration fires."""

    @callback
    def async_describe_sms_received(event: Event) -> dict[str, str]:
        data = event.data
        entry = hass.config_entries.async_get_entry(data[ATTR_ENTRY_ID])
        if data.get(ATTR_DECODED, True):
            text = excerpt(data[ATTR_TEXT]) or "(empty)"
        else:
            text = f"(not valid text) {excerpt(data[ATTR_RAW])}"
        return {
            LOGBOOK_ENTRY_NAME: entry.title if entry else DEFAULT_NAME,
            LOGBOOK_ENTRY_MESSAGE: f"received SMS from {data[ATTR_SENDER]}: {text}",
        }

    async_describe_event(DOMAIN, EVENT_SMS_RECEIVED, async_describe_sms_received)

    @callback
    def async_describe_delivery_report(event: Event) -> dict[str, str]:
        data = event.data
        entry = hass.config_entries.async_get_entry(data[ATTR_ENTRY_ID])
        status = data["status"].replace("_", " ")
        reason = f" ({data['reason'].replace('_', ' ')})" if data["reason"] else ""
        return {
            LOGBOOK_ENTRY_NAME: entry.title if entry else DEFAULT_NAME,
            LOGBOOK_ENTRY_MESSAGE: f"SMS {data['message_id']} to {data['number']}: {status}{reason}",
        }

    async_describe_event(DOMAIN, EVENT_DELIVERY_REPORT, async_describe_delivery_report)
