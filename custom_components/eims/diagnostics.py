"""Diagnostics for the EIMS SMS Gateway integration."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant

from .assist import CONF_TRUSTED_NUMBERS, async_assist_diagnostics
from .const import CONF_ACCOUNT, CONF_ENCRYPTION_KEY
from .coordinator import EimsConfigEntry

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
    coordinator = entry.runtime_data.coordinator
    data = coordinator.data
    return {
        "entry": {
            "title": "**REDACTED**",
            "data": async_redact_data(entry.data, TO_REDACT),
            "options": async_redact_data(entry.options, TO_REDACT),
        },
        "last_poll": {
            "success": coordinator.last_update_success,
            "exception": repr(coordinator.last_exception)
            if coordinator.last_exception
            else None,
            "balance": str(data.balance.balance) if data else None,
            "gift": str(data.balance.gift) if data else None,
            "balance_updated_at": data.balance_updated_at.isoformat() if data else None,
        },
        "requests": asdict(entry.runtime_data.client.stats),
        "inbox": coordinator.inbox.counts(),
        "deliveries": coordinator.tracker.diagnostics(),
        "questions": {"pending": entry.runtime_data.questions.pending},
        "assist": async_assist_diagnostics(hass, entry),
    }
