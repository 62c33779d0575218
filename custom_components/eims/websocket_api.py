"""
The conversations card's websocket commands: follow an account's messages, mark them read.

Any signed-in user may read and mark read, as with core's to-do lists; replies go through
the `eims.send_sms` action, so every guard applies.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components import websocket_api
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import service
import probatio

from .account.conversations import Conversations
from .account.history import Message
from .const import DOMAIN
from .entry import EimsConfigEntry

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ERR_NOT_LOADED: Final = "not_loaded"
# Home Assistant's translation key of an entry that is not loaded (service.async_get_config_entry).
NOT_LOADED_KEY: Final = "service_config_entry_not_loaded"


@callback
def async_setup_websocket_api(hass: HomeAssistant) -> None:
    """Register the commands (once, not per entry)."""
    websocket_api.async_register_command(hass, ws_subscribe_messages)
    websocket_api.async_register_command(hass, ws_mark_read)


def _loaded_entry(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> EimsConfigEntry | None:
    """
    Return the account a command names; None, the error sent, when it cannot be read.

    The error is the actions' own (Home Assistant's translated "not found" or "not loaded"),
    so the card shows it in the user's language, during a reload too.
    """
    try:
        entry: EimsConfigEntry = service.async_get_config_entry(
            hass, DOMAIN, msg[ATTR_CONFIG_ENTRY_ID]
        )
    except ServiceValidationError as err:
        connection.send_error(
            msg["id"],
            ERR_NOT_LOADED
            if err.translation_key == NOT_LOADED_KEY
            else websocket_api.ERR_NOT_FOUND,
            str(err),
            translation_key=err.translation_key,
            translation_domain=err.translation_domain,
            translation_placeholders=err.translation_placeholders,
        )
        return None
    return entry


@websocket_api.websocket_command(
    {
        probatio.Required("type"): "eims/messages/subscribe",
        probatio.Required(ATTR_CONFIG_ENTRY_ID): str,
    }
)
@callback
def ws_subscribe_messages(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    """
    Send the account's whole history, then every new or changed message.

    A reload replaces the account's parts: the history is sent whole again, marked reset.
    """
    if (entry := _loaded_entry(hass, connection, msg)) is None:
        return
    msg_id = msg["id"]
    stop_following: CALLBACK_TYPE | None = None

    @callback
    def send(
        conversations: Conversations, messages: list[Message], *, reset: bool = False
    ) -> None:
        event: dict[str, Any] = {"reset": True} if reset else {}
        event["messages"] = conversations.describe(messages)
        connection.send_message(websocket_api.event_message(msg_id, event))

    @callback
    def follow(*, reset: bool) -> None:
        nonlocal stop_following
        conversations = entry.runtime_data.account.conversations

        @callback
        def async_changed(messages: list[Message]) -> None:
            send(conversations, messages)

        stop_following = conversations.async_add_listener(async_changed)
        send(conversations, conversations.history.messages(), reset=reset)

    @callback
    def async_entry_changed() -> None:
        nonlocal stop_following
        if entry.state is ConfigEntryState.LOADED:
            if stop_following is None:
                follow(reset=True)
        elif stop_following is not None:
            stop_following()
            stop_following = None

    stop_watching = entry.async_on_state_change(async_entry_changed)

    @callback
    def async_unsubscribe() -> None:
        stop_watching()
        if stop_following is not None:
            stop_following()

    connection.subscriptions[msg_id] = async_unsubscribe
    connection.send_result(msg_id)
    follow(reset=False)


@websocket_api.websocket_command(
    {
        probatio.Required("type"): "eims/messages/mark_read",
        probatio.Required(ATTR_CONFIG_ENTRY_ID): str,
        probatio.Required("number"): str,
    }
)
@callback
def ws_mark_read(
    hass: HomeAssistant, connection: websocket_api.ActiveConnection, msg: dict[str, Any]
) -> None:
    """Mark a conversation's received messages read; answer how many were unread."""
    if (entry := _loaded_entry(hass, connection, msg)) is None:
        return
    marked = entry.runtime_data.account.conversations.async_mark_read(msg["number"])
    connection.send_result(msg["id"], {"marked": marked})
