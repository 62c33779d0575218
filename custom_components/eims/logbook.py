"""Describe the integration's bus events in the logbook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from homeassistant.components.logbook import (
    LOGBOOK_ENTRY_ICON,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .account.ask import EVENT_REPLY_RECEIVED
from .account.receive import (
    ATTR_DECODED,
    ATTR_ENTRY_ID,
    ATTR_RAW,
    ATTR_TEXT,
    EVENT_SMS_RECEIVED,
)
from .account.track import EVENT_DELIVERY_REPORT
from .const import ATTR_SENDER, DEFAULT_NAME, DOMAIN
from .text import one_line, shorten

ICON_RECEIVED: Final = "mdi:message-arrow-left"
ICON_DELIVERED: Final = "mdi:message-check"
ICON_NOT_DELIVERED: Final = "mdi:message-alert"
ICON_ON_ITS_WAY: Final = "mdi:message-arrow-right"
# Statuses that end a message's journey without it arriving.
NOT_DELIVERED: Final = frozenset({"failed", "delivery_timeout", "not_found", "expired"})

# Enough to recognise a message without filling the logbook with it.
EXCERPT_LENGTH: Final = 50

type Describer = Callable[[Event], dict[str, str]]


def excerpt(text: str) -> str:
    """Return the start of a text on one line, with "…" when cut."""
    return shorten(one_line(text), EXCERPT_LENGTH)


def delivery_icon(status: str) -> str:
    """Return the logbook icon of a delivery report's status."""
    if status == "delivered":
        return ICON_DELIVERED
    if status in NOT_DELIVERED:
        return ICON_NOT_DELIVERED
    return ICON_ON_ITS_WAY


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
            LOGBOOK_ENTRY_ICON: ICON_RECEIVED,
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
            LOGBOOK_ENTRY_ICON: delivery_icon(data["status"]),
        }

    async_describe_event(DOMAIN, EVENT_DELIVERY_REPORT, async_describe_delivery_report)

    @callback
    def async_describe_reply(event: Event) -> dict[str, str]:
        data = event.data
        entry = hass.config_entries.async_get_entry(data[ATTR_ENTRY_ID])
        if data["timed_out"]:
            message = f"question {data['ask_id']} got no reply in time"
        else:
            message = (
                f"question {data['ask_id']} answered by {data['number']}: "
                f"{excerpt(data['choice'])}"
            )
        return {
            LOGBOOK_ENTRY_NAME: entry.title if entry else DEFAULT_NAME,
            LOGBOOK_ENTRY_MESSAGE: message,
        }

    async_describe_event(DOMAIN, EVENT_REPLY_RECEIVED, async_describe_reply)
