"""Turn the client's errors into Home Assistant's translated errors, in one place."""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError

from .api import (
    EimsConnectionError,
    EimsError,
    EimsHttpError,
    EimsResponseError,
    EimsStatusError,
    EimsTimeoutError,
)
from .const import DOMAIN


def error_key(err: EimsError) -> str:
    """Return the translation key that names the cause of a gateway error."""
    if isinstance(err, EimsStatusError):
        return err.reason
    if isinstance(err, (EimsResponseError, EimsHttpError)):
        return "invalid_response"
    if isinstance(err, EimsTimeoutError):
        return "timeout"
    if isinstance(err, EimsConnectionError):
        return "cannot_connect"
    return "unknown"


def as_ha_error[E: HomeAssistantError](
    err: EimsError, cls: type[E], **placeholders: str
) -> E:
    """Build a translated Home Assistant error for a gateway error (texts hold no secrets)."""
    return cls(
        translation_domain=DOMAIN,
        translation_key=error_key(err),
        translation_placeholders={"error": str(err), **placeholders},
    )
