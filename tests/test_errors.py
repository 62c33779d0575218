"""Tests for turning gateway errors into Home Assistant errors."""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.eims.api import (
    EimsCannotConnectError,
    EimsConnectionError,
    EimsError,
    EimsHttpError,
    EimsPartialSendError,
    EimsResponseError,
    EimsTimeoutError,
    EimsValidationError,
    SendResult,
)
from custom_components.eims.api.exceptions import STATUS_ERRORS, status_error
from custom_components.eims.const import DOMAIN
from custom_components.eims.errors import as_ha_error, error_key

from .conftest import ENTRY_DATA


@pytest.mark.parametrize(
    ("error", "key"),
    [
        *(
            (status_error(status), reason)
            for status, (_, reason, _) in STATUS_ERRORS.items()
        ),
        (status_error(-99), "unknown_status"),
        (EimsHttpError(500, "/getbalance"), "invalid_response"),
        (EimsResponseError("not JSON"), "invalid_response"),
        (EimsTimeoutError("late"), "timeout"),
        (EimsCannotConnectError("refused"), "cannot_connect"),
        (EimsConnectionError("reset"), "cannot_connect"),
        (EimsValidationError("numbers", "invalid_number", "x"), "unknown"),
        (EimsError("odd"), "unknown"),
        (
            EimsPartialSendError(SendResult(requests=1), status_error(-10)),
            "insufficient_balance",
        ),
        (
            EimsPartialSendError(SendResult(requests=1), EimsTimeoutError("late")),
            "timeout",
        ),
    ],
)
def test_error_keys(error: EimsError, key: str) -> None:
    """Every gateway error has a translation key, and the HA error carries it."""
    assert error_key(error) == key
    ha_error = as_ha_error(error, HomeAssistantError)
    assert ha_error.translation_domain == DOMAIN
    assert ha_error.translation_key == key
    assert ENTRY_DATA["password"] not in str(ha_error.translation_placeholders)


def test_every_key_is_translated() -> None:
    """strings.json has a message for every key the errors can take."""
    import json
    from pathlib import Path

    strings = json.loads(
        (Path(__file__).parents[1] / "custom_components/eims/strings.json").read_text()
    )
    keys = {reason for _, reason, _ in STATUS_ERRORS.values()} | {
        "unknown_status",
        "invalid_response",
        "timeout",
        "cannot_connect",
        "unknown",
    }
    assert keys <= set(strings["exceptions"])
