"""
The translated errors users see, in one place: the client's errors and input refused.

It is also the one policy for what a gateway error brings besides its text: the repair issue
and the reauth. Sends, jobs, polls, guards and flows all go through it.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.translation import async_get_translations
from homeassistant.helpers.update_coordinator import UpdateFailed

from .api import (
    EimsAuthError,
    EimsConnectionError,
    EimsError,
    EimsHttpError,
    EimsPartialSendError,
    EimsResponseError,
    EimsStatusError,
    EimsTimeoutError,
)
from .const import DOMAIN
from .issues import (
    ACCESS_ISSUES,
    INSUFFICIENT_BALANCE,
    async_clear_issues,
    async_raise_issue,
)

# What the config flow's forms can say about a gateway that did not answer as it should.
_FORM_ERRORS: Final = frozenset(
    {
        "invalid_auth",
        "ip_limited",
        "account_locked",
        "invalid_response",
        "cannot_connect",
    }
)


def error_key(err: EimsError) -> str:
    """Return the translation key that names the cause of a gateway error."""
    if isinstance(err, EimsPartialSendError):
        return error_key(err.cause)
    if isinstance(err, EimsStatusError):
        return err.reason
    if isinstance(err, (EimsResponseError, EimsHttpError)):
        return "invalid_response"
    if isinstance(err, EimsTimeoutError):
        return "timeout"
    if isinstance(err, EimsConnectionError):
        return "cannot_connect"
    return "unknown"


def form_error_key(err: EimsError) -> str:
    """Return the config flow's error for a gateway error: a timeout did not connect there."""
    key = "cannot_connect" if isinstance(err, EimsTimeoutError) else error_key(err)
    return key if key in _FORM_ERRORS else "unknown"


def as_ha_error[E: HomeAssistantError](
    err: EimsError, cls: type[E], **placeholders: str
) -> E:
    """Build a translated Home Assistant error for a gateway error (texts hold no secrets)."""
    return cls(
        translation_domain=DOMAIN,
        translation_key=error_key(err),
        translation_placeholders={"error": str(err), **placeholders},
    )


@callback
def async_gateway_error(
    hass: HomeAssistant, entry: ConfigEntry[Any], err: EimsError, *, polling: bool
) -> HomeAssistantError:
    """
    Return the error to raise for a gateway error, after the reauth or repair it calls for.

    A refused password is asked for again: a poll raises ConfigEntryAuthFailed (Home
    Assistant starts the reauth and polls no more), a send starts the reauth itself. A
    locked or IP-limited account, or a balance too low to send, gets its repair issue.
    """
    if isinstance(err, EimsAuthError):
        if polling:
            return as_ha_error(err, ConfigEntryAuthFailed)
        entry.async_start_reauth(hass)
    elif isinstance(err, EimsStatusError) and err.reason in (
        *ACCESS_ISSUES,
        INSUFFICIENT_BALANCE,
    ):
        async_raise_issue(hass, entry, err.reason)
    return as_ha_error(err, UpdateFailed if polling else HomeAssistantError)


@callback
def async_gateway_answered(
    hass: HomeAssistant, entry: ConfigEntry[Any], *, sent: bool = False
) -> None:
    """Clear the repairs an answer resolves: any, locked and IP-limited; a send, balance."""
    async_clear_issues(hass, entry, *ACCESS_ISSUES)
    if sent:
        async_clear_issues(hass, entry, INSUFFICIENT_BALANCE)


@callback
def async_refusal(
    hass: HomeAssistant, entry: ConfigEntry[Any], key: str, **placeholders: str
) -> HomeAssistantError:
    """Return the error for a send refused on our side; its repair issue says the same."""
    async_raise_issue(hass, entry, key, **placeholders)
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Build a translated error for input refused before anything is sent."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


async def async_config_error(
    hass: HomeAssistant, key: str, **placeholders: str
) -> ServiceValidationError:
    """
    Build a translated error for configuration refused, its text in Home Assistant's language.

    An automation that does not load shows the error's text alone, and this integration's
    translations may not be loaded yet when automations are.
    """
    translations = await async_get_translations(
        hass, hass.config.language, "exceptions", [DOMAIN]
    )
    template = translations[f"component.{DOMAIN}.exceptions.{key}.message"]
    return ServiceValidationError(
        template.format(**placeholders),
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )
