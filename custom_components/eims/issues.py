"""Repair issues for gateway conditions only the user can fix."""

from __future__ import annotations

from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import CONF_ACCOUNT, DOMAIN

IP_LIMITED: Final = "ip_limited"
ACCOUNT_LOCKED: Final = "account_locked"
INSUFFICIENT_BALANCE: Final = "insufficient_balance"
# The gateway refuses every request in these states, so any normal answer clears them.
ACCESS_ISSUES: Final = (IP_LIMITED, ACCOUNT_LOCKED)
# A trusted number texts Assist faster than the bridge's rate limit allows.
ASSIST_RATE_LIMITED: Final = "assist_rate_limited"
# The account's daily segment limit refused a send; it clears the next day or when raised.
DAILY_LIMIT_REACHED: Final = "daily_limit_reached"
# Conditions that cost money or answers, not access: a warning, not an error.
# Assist answered as many SMS this hour as its option allows.
ASSIST_REPLY_CAP: Final = "assist_reply_cap"
_WARNINGS: Final = (
    INSUFFICIENT_BALANCE,
    ASSIST_RATE_LIMITED,
    DAILY_LIMIT_REACHED,
    ASSIST_REPLY_CAP,
)


def _issue_id(entry: ConfigEntry, key: str) -> str:
    return f"{key}_{entry.entry_id}"


@callback
def async_raise_issue(
    hass: HomeAssistant, entry: ConfigEntry, key: str, **placeholders: str
) -> None:
    """Show a repair issue explaining what the user can do; `placeholders` add details."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(entry, key),
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING
        if key in _WARNINGS
        else ir.IssueSeverity.ERROR,
        translation_key=key,
        translation_placeholders={
            "account": entry.data[CONF_ACCOUNT],
            "host": entry.data[CONF_HOST],
            "entry_title": entry.title,
            **placeholders,
        },
    )


@callback
def async_clear_issues(hass: HomeAssistant, entry: ConfigEntry, *keys: str) -> None:
    """Remove issues the gateway's latest answer has resolved."""
    for key in keys:
        ir.async_delete_issue(hass, DOMAIN, _issue_id(entry, key))
