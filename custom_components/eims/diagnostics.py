"""Diagnostics for the EIMS SMS Gateway integration."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .const import CONF_ACCOUNT, CONF_ENCRYPTION_KEY, CONF_TRUSTED_NUMBERS
from .entry import EimsConfigEntry
from .timestamps import utc_iso

TO_REDACT = {
    CONF_PASSWORD,
    CONF_ENCRYPTION_KEY,
    CONF_ACCOUNT,
    CONF_WEBHOOK_ID,
    CONF_TRUSTED_NUMBERS,
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: EimsConfigEntry
) -> dict[str, Any]:
    """Return what helps debug an account, with every secret redacted."""
    runtime = entry.runtime_data
    balance, messages = runtime.balance, runtime.messages
    return {
        "entry": {
            "title": "**REDACTED**",
            "data": async_redact_data(entry.data, TO_REDACT),
            "options": async_redact_data(entry.options, TO_REDACT),
        },
        "balance_poll": {
            **_poll_diagnostics(balance),
            "balance": str(balance.data.balance) if balance.data else None,
            "gift": str(balance.data.gift) if balance.data else None,
            "updated_at": utc_iso(balance.last_update_success_time)
            if balance.last_update_success_time
            else None,
        },
        "messages_poll": _poll_diagnostics(messages),
        "requests": asdict(runtime.account.client.stats),
        "inbox": runtime.account.inbox.counts(),
        "deliveries": runtime.account.tracker.diagnostics(),
        "questions": {"pending": runtime.account.questions.pending},
        "spending": runtime.account.spending.diagnostics(),
        "conversations": runtime.account.conversations.diagnostics(),
        "assist": {"enabled": True, **runtime.assist.as_diagnostics()}
        if runtime.assist
        else {"enabled": False},
    }


def _poll_diagnostics(coordinator: DataUpdateCoordinator[Any]) -> dict[str, Any]:
    """Return whether a coordinator's last poll worked, and why not."""
    return {
        "success": coordinator.last_update_success,
        "exception": repr(coordinator.last_exception)
        if coordinator.last_exception
        else None,
    }
