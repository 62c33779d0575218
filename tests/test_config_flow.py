"""Tests for the EIMS config flow."""

from __future__ import annotations

from unittest.mock import MagicMock, patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.network import NoURLAvailableError
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.eims.api import (
    EimsAuthError,
    EimsConnectionError,
    EimsError,
    EimsHttpError,
    EimsIpLimitedError,
    EimsLockedError,
    EimsResponseError,
    EimsTimeoutError,
)
from custom_components.eims.const import (
    CONF_ACCOUNT,
    CONF_CURRENCY,
    CONF_ENCRYPTION_KEY,
    CONF_GATEWAY_TIME_ZONE,
    DOMAIN,
)

from .conftest import ENTRY_DATA, UNIQUE_ID

USER_INPUT = {
    CONF_HOST: "127.0.0.1",
    CONF_PORT: 20003,
    CONF_SSL: False,
    CONF_VERIFY_SSL: True,
    CONF_ACCOUNT: "demo",
    CONF_PASSWORD: "s3cret-pass",
}

pytestmark = pytest.mark.usefixtures("mock_setup_entry")


async def test_user_flow(hass: HomeAssistant, mock_client: MagicMock) -> None:
    """The happy path creates an entry after a balance query."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**USER_INPUT, CONF_ENCRYPTION_KEY: ""}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "demo @ 127.0.0.1"
    assert result["result"].unique_id == UNIQUE_ID
    # The success dialog gives the push report URL to paste into the gateway.
    assert result["description"] == "push_url"
    assert result["description_placeholders"]["webhook_url"].endswith(
        f"/api/webhook/{result['data'][CONF_WEBHOOK_ID]}"
    )
    assert result["description_placeholders"]["notify_service"] == "eims_demo"
    data = dict(result["data"])
    assert data.pop(CONF_WEBHOOK_ID)
    assert data == USER_INPUT
    mock_client.get_balance.assert_awaited_once()


@pytest.mark.parametrize(
    ("url", "host", "port", "ssl"),
    [
        ("https://sms.example.com:8443/", "sms.example.com", 8443, True),
        ("http://203.0.113.10", "203.0.113.10", 20003, False),
        ("  gw.example.com ", "gw.example.com", 20003, False),
    ],
)
async def test_user_flow_url(
    hass: HomeAssistant,
    mock_client: MagicMock,
    url: str,
    host: str,
    port: int,
    ssl: bool,
) -> None:
    """A URL in the host field sets host, port and TLS."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**USER_INPUT, CONF_HOST: url}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_HOST] == host
    assert result["data"][CONF_PORT] == port
    assert result["data"][CONF_SSL] is ssl
    assert result["result"].unique_id == f"{host}:{port}:demo"


@pytest.mark.parametrize("url", ["ftp://example.com", "http://", ""])
async def test_user_flow_invalid_host(
    hass: HomeAssistant, mock_client: MagicMock, url: str
) -> None:
    """A host that is neither a name nor an http(s) URL is refused, then corrected."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**USER_INPUT, CONF_HOST: url}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    mock_client.get_balance.assert_not_called()

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (EimsAuthError(-1, "invalid_auth", "Authentication error"), "invalid_auth"),
        (EimsIpLimitedError(-2, "ip_limited", "IP limited"), "ip_limited"),
        (EimsLockedError(-13, "account_locked", "User locked"), "account_locked"),
        (EimsResponseError("not JSON"), "invalid_response"),
        (EimsHttpError(404, "/getbalance"), "invalid_response"),
        (EimsConnectionError("refused"), "cannot_connect"),
        (EimsTimeoutError("timeout"), "cannot_connect"),
        (EimsError("odd"), "unknown"),
        (RuntimeError("bug"), "unknown"),
    ],
)
async def test_user_flow_errors(
    hass: HomeAssistant, mock_client: MagicMock, error: Exception, key: str
) -> None:
    """Each failure shows its error, and a retry that works creates the entry."""
    mock_client.get_balance.side_effect = error
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": key}

    mock_client.get_balance.side_effect = None
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], USER_INPUT
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_already_configured(
    hass: HomeAssistant, mock_client: MagicMock, mock_config_entry: MockConfigEntry
) -> None:
    """The same account on the same gateway cannot be added twice."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**USER_INPUT, CONF_HOST: "http://127.0.0.1:20003"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    mock_client.get_balance.assert_not_called()


async def test_reauth(
    hass: HomeAssistant, mock_client: MagicMock, mock_config_entry: MockConfigEntry
) -> None:
    """Reauth checks the new credentials, shows errors, then updates the entry."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"

    mock_client.get_balance.side_effect = EimsAuthError(-1, "invalid_auth", "x")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    mock_client.get_balance.side_effect = None
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "new-pass", CONF_ENCRYPTION_KEY: "k3y"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    # Home Assistant's own wording, translated by Home Assistant (strings.json has none).
    assert result["translation_domain"] == "homeassistant"
    assert mock_config_entry.data[CONF_PASSWORD] == "new-pass"
    assert mock_config_entry.data[CONF_ENCRYPTION_KEY] == "k3y"

    result = await mock_config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "plain-again", CONF_ENCRYPTION_KEY: ""}
    )
    assert result["reason"] == "reauth_successful"
    assert CONF_ENCRYPTION_KEY not in mock_config_entry.data
    # Each save schedules a reload: let it end before the test does.
    await hass.async_block_till_done()


async def test_reconfigure(
    hass: HomeAssistant, mock_client: MagicMock, mock_config_entry: MockConfigEntry
) -> None:
    """Reconfigure moves the gateway address, checking it first."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"

    mock_client.get_balance.side_effect = EimsConnectionError("refused")
    new = {
        CONF_HOST: "localhost",
        CONF_PORT: 20003,
        CONF_SSL: False,
        CONF_VERIFY_SSL: True,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], new)
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**new, CONF_HOST: "mailto://x"}
    )
    assert result["errors"] == {CONF_HOST: "invalid_host"}

    mock_client.get_balance.side_effect = None
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**new, CONF_HOST: "https://gw.example.com:8443"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert result["translation_domain"] == "homeassistant"
    assert mock_config_entry.data[CONF_HOST] == "gw.example.com"
    assert mock_config_entry.data[CONF_PORT] == 8443
    assert mock_config_entry.data[CONF_SSL] is True
    assert mock_config_entry.data[CONF_ACCOUNT] == "demo"
    assert mock_config_entry.data[CONF_PASSWORD] == ENTRY_DATA[CONF_PASSWORD]
    assert mock_config_entry.unique_id == "gw.example.com:8443:demo"
    assert mock_config_entry.title == "demo @ gw.example.com"
    await hass.async_block_till_done()


async def test_reconfigure_onto_other_entry(
    hass: HomeAssistant, mock_client: MagicMock, mock_config_entry: MockConfigEntry
) -> None:
    """Reconfigure refuses an address whose account is already another entry."""
    mock_config_entry.add_to_hass(hass)
    other = MockConfigEntry(
        domain=DOMAIN,
        unique_id="10.0.0.9:20003:demo",
        data={**ENTRY_DATA, CONF_HOST: "10.0.0.9"},
    )
    other.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "10.0.0.9",
            CONF_PORT: 20003,
            CONF_SSL: False,
            CONF_VERIFY_SSL: True,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert mock_config_entry.data[CONF_HOST] == "127.0.0.1"
    mock_client.get_balance.assert_not_called()


async def test_options(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """Options set the currency and the gateway's time zone, then reload."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_CURRENCY: "EUR", CONF_GATEWAY_TIME_ZONE: "Asia/Shanghai"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options == {
        CONF_CURRENCY: "EUR",
        CONF_GATEWAY_TIME_ZONE: "Asia/Shanghai",
        "number_format": "plus",
        "tracking_window": 72,
        "duplicate_window": 60,
        "daily_limit": 0,
        "history_limit": 1000,
        "assist": {
            "enabled": False,
            "trusted_numbers": [],
            "agent_id": "conversation.home_assistant",
            "language": "en",
            "rate_limit": 5,
            "replies_per_hour": 20,
            "max_segments": 3,
        },
    }


async def test_options_form_as_the_frontend_draws_it(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The Assist section has no default of its own, so the frontend fills in its fields'.

    A section default ({}) would hide them, and the language picker draws only with a list.
    """
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    fields = {
        field["name"]: field
        for field in probatio.to_field_list(
            result["data_schema"], custom_serializer=cv.custom_serializer
        )
    }
    assist = fields["assist"]
    assert assist["type"] == "expandable"
    assert "default" not in assist
    nested = {field["name"]: field for field in assist["schema"]}
    assert {name: field.get("default") for name, field in nested.items()} == {
        "enabled": False,
        "trusted_numbers": [],
        "agent_id": "conversation.home_assistant",
        "language": "en",
        "rate_limit": 5,
        "replies_per_hour": 20,
        "max_segments": 3,
    }
    languages = nested["language"]["selector"]["language"]["languages"]
    assert {"en", "de", "nl", "fr", "es"} <= set(languages)
    assert languages == sorted(languages)


async def test_options_offer_home_assistants_currency_without_choosing_it(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """HA's currency is the first choice after none; none (credits) stays the default."""
    await hass.config.async_update(currency="CHF")
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    currency = next(
        field
        for field in probatio.to_field_list(
            result["data_schema"], custom_serializer=cv.custom_serializer
        )
        if field["name"] == CONF_CURRENCY
    )
    assert currency["default"] == "none"
    options = currency["selector"]["select"]["options"]
    assert options[:3] == ["none", "CHF", "AED"]
    assert sorted(options) == sorted({"none", *ACTIVE_CURRENCIES})


async def test_options_without_url(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Without a Home Assistant URL the options still open, with no push URL to show."""
    with patch(
        "custom_components.eims.config_flow.webhook.async_generate_url",
        side_effect=NoURLAvailableError,
    ):
        result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["description_placeholders"]["webhook_url"] == "-"


async def test_options_show_webhook_url(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The options show the URL to paste into the gateway's push report setting."""
    hass.config.internal_url = "http://192.0.2.5:8123"
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert (
        result["description_placeholders"]["webhook_url"]
        == "http://192.0.2.5:8123/api/webhook/eims_test_webhook"
    )
    assert result["description_placeholders"]["notify_services"] == "notify.eims_demo"
