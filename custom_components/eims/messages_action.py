"""The `eims.get_messages` action: an account's conversations, newest first."""

from __future__ import annotations

from typing import Final

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.helpers import config_validation as cv, service
import voluptuous as vol

from .account.history import Direction
from .const import DOMAIN
from .entry import EimsConfigEntry
from .errors import validation_error

SERVICE_GET_MESSAGES: Final = "get_messages"

ATTR_NUMBER: Final = "number"
ATTR_DIRECTION: Final = "direction"
ATTR_LIMIT: Final = "limit"

DEFAULT_LIMIT: Final = 100
MAX_LIMIT: Final = 1000

# Ranges and choices are checked by the action, so a wrong value gets a translated answer.
GET_MESSAGES_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_NUMBER): cv.string,
        vol.Optional(ATTR_DIRECTION): cv.string,
        vol.Optional(ATTR_LIMIT, default=DEFAULT_LIMIT): vol.Coerce(int),
    }
)


async def async_get_messages(call: ServiceCall) -> ServiceResponse:
    """Return the account's messages, newest first, of one number or direction if given."""
    entry: EimsConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    conversations = entry.runtime_data.account.conversations
    limit: int = call.data[ATTR_LIMIT]
    if not 1 <= limit <= MAX_LIMIT:
        raise validation_error(
            "messages_limit_out_of_range", limit=str(limit), max=str(MAX_LIMIT)
        )
    direction = None
    if (written_direction := call.data.get(ATTR_DIRECTION)) is not None:
        try:
            direction = Direction(written_direction)
        except ValueError as err:
            raise validation_error(
                "messages_direction_invalid", direction=written_direction
            ) from err
    number = None
    if (written_number := call.data.get(ATTR_NUMBER)) is not None:
        if (number := await conversations.async_find_number(written_number)) is None:
            raise validation_error("messages_number_invalid", number=written_number)
    messages = conversations.history.messages(
        number=number, direction=direction, limit=limit
    )
    return {"messages": conversations.describe(messages)}
