"""The translated errors users see, in one place: the client's errors and input refused."""

from __future__ import annotations

from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.translation import async_get_translations

from .api import (
    EimsConnectionError,
    EimsError,
    EimsHttpError,
    EimsPartialSendError,
    EimsResponseError,
    EimsStatusError,
    EimsTimeoutError,
)
from .const import DOMAIN

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
