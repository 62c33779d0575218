"""
Describe the integration's bus events in the logbook: delivery reports and answered questions.

A received SMS is not described here: the Received SMS entity writes it to the logbook itself
(see event.py), so logbook views opened before the integration loaded show it too.
"""

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
from .account.receive import ATTR_ENTRY_ID
from .account.track import EVENT_DELIVERY_REPORT
from .const import DEFAULT_NAME, DOMAIN
from .text import excerpt

ICON_ANSWERED: Final = "mdi:message-reply-text"
ICON_UNANSWERED: Final = "mdi:message-question"
ICON_DELIVERED: Final = "mdi:message-check"
ICON_NOT_DELIVERED: Final = "mdi:message-alert"
ICON_ON_ITS_WAY: Final = "mdi:message-arrow-right"
# Statuses that end a message's journey without it arriving.
NOT_DELIVERED: Final = frozenset({"failed", "delivery_timeout", "not_found", "expired"})

type Describer = Callable[[Event], dict[str, str]]


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
        question = f"“{excerpt(data['question'])}”"
        if data["timed_out"]:
            message, icon = f"{question} got no reply in time", ICON_UNANSWERED
        else:
            message = (
                f"{question} answered by {data['number']}: {excerpt(data['choice'])}"
            )
            icon = ICON_ANSWERED
        return {
            LOGBOOK_ENTRY_NAME: entry.title if entry else DEFAULT_NAME,
            LOGBOOK_ENTRY_MESSAGE: message,
            LOGBOOK_ENTRY_ICON: icon,
        }

    async_describe_event(DOMAIN, EVENT_REPLY_RECEIVED, async_describe_reply)
