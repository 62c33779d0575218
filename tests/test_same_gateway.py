"""One account, one entry: the same gateway under another spelling is not added twice."""

from __future__ import annotations

from collections.abc import Generator
import socket
from typing import Any
from unittest.mock import MagicMock, patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.eims.const import CONF_ACCOUNT, CONF_ENCRYPTION_KEY, DOMAIN
from custom_components.eims.seq import (
    STORAGE_KEY as SEQ_STORAGE_KEY,
    async_get_seq_source,
)

from .conftest import ENTRY_DATA

ACCOUNT_INPUT = {
    CONF_PORT: 20003,
    CONF_SSL: False,
    CONF_VERIFY_SSL: True,
    CONF_ACCOUNT: "demo",
    CONF_PASSWORD: "s3cret-pass",
}
# What the patched resolver answers; None: the name does not resolve.
NAMES: dict[str, list[str] | None] = {
    "gw.example.com": ["192.0.2.10", "2001:db8::10"],
    "alias.example.com": ["2001:db8::10"],
    "other.example.net": ["198.51.100.7"],
    "gone.example.net": None,
}


@pytest.fixture(autouse=True)
def resolver() -> Generator[None]:
    """Answer for NAMES; localhost and IP addresses resolve as usual, nothing else does."""
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in NAMES:
            # Home Assistant's test plugin: local names and IP addresses only.
            return real(host, port, *args, **kwargs)
        if (addresses := NAMES[host]) is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, 0),
            )
            for address in addresses
        ]

    with patch("socket.getaddrinfo", getaddrinfo):
        yield


def gateway_entry(hass: HomeAssistant, host: str, **data: Any) -> MockConfigEntry:
    """Add an entry of the demo account (or `data`'s) at `host`, as an older flow stored it."""
    entry_data = {**ENTRY_DATA, CONF_HOST: host, **data}
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"{entry_data[CONF_ACCOUNT]} @ {host}",
        # The unique id of the flows before addresses were compared.
        unique_id=f"{host}:{entry_data[CONF_PORT]}:{entry_data[CONF_ACCOUNT]}".lower(),
        data=entry_data,
        version=1,
        minor_version=1,
    )
    entry.add_to_hass(hass)
    return entry


async def add_account(hass: HomeAssistant, host: str, **fields: Any) -> dict[str, Any]:
    """Run the add-account form with `host` (and other fields); return its result."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {**ACCOUNT_INPUT, CONF_HOST: host, **fields}
    )


@pytest.mark.usefixtures("mock_setup_entry")
async def test_localhost_then_127_0_0_1_is_refused(
    hass: HomeAssistant, mock_client: MagicMock
) -> None:
    """The account added as localhost cannot be added again as 127.0.0.1."""
    result = await add_account(hass, "localhost")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == "localhost:20003:demo"

    result = await add_account(hass, "127.0.0.1")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    # Refused before asking the gateway anything.
    mock_client.get_balance.assert_awaited_once()
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("configured", "host", "fields"),
    [
        ("gw.example.com", "GW.Example.COM", {}),
        ("gw.example.com", "gw.example.com.", {}),
        ("GW.example.com.", "gw.example.com", {}),
        ("gw.example.com", "gw.example.com:20003", {}),
        ("gw.example.com", "http://gw.example.com:20003/", {}),
        ("gw.example.com", "http://gw.example.com", {}),
        ("gw.example.com", "192.0.2.10", {}),
        ("192.0.2.10", "GW.EXAMPLE.COM.", {}),
        ("gw.example.com", "alias.example.com", {}),
        ("gw.example.com", "http://[2001:DB8:0:0::10]:20003", {}),
        ("127.0.0.1", "::ffff:127.0.0.1", {}),
        ("127.0.0.1", "LOCALHOST.", {}),
        ("gw.example.com", "gw.example.com", {CONF_ACCOUNT: "Demo"}),
        # The gateway does not resolve now: its spelling still tells it.
        ("gone.example.net", "Gone.Example.Net.", {}),
    ],
)
async def test_same_gateway_under_another_spelling_is_refused(
    hass: HomeAssistant,
    mock_client: MagicMock,
    configured: str,
    host: str,
    fields: dict[str, Any],
) -> None:
    """Case, root dot, the default port, a URL, a name or its address: the same gateway."""
    gateway_entry(hass, configured)
    result = await add_account(hass, host, **fields)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    mock_client.get_balance.assert_not_called()


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    ("configured", "host", "fields"),
    [
        # Another account on the same gateway.
        ("127.0.0.1", "localhost", {CONF_ACCOUNT: "other"}),
        # The same account name on another gateway.
        ("gw.example.com", "other.example.net", {}),
        ("gw.example.com", "198.51.100.7", {}),
        # Another port of the same host: nothing tells it is the same gateway.
        ("gw.example.com", "gw.example.com:20004", {}),
        # Names that do not resolve are told apart by their spelling.
        ("gone.example.net", "gw.example.com", {}),
        ("gw.example.com", "gone.example.net", {}),
    ],
)
async def test_other_account_or_gateway_is_accepted(
    hass: HomeAssistant,
    mock_client: MagicMock,
    configured: str,
    host: str,
    fields: dict[str, Any],
) -> None:
    """Another account, another gateway or another port is a new entry."""
    gateway_entry(hass, configured)
    result = await add_account(hass, host, **fields)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    mock_client.get_balance.assert_awaited_once()
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


@pytest.mark.usefixtures("mock_setup_entry")
async def test_reconfigure_onto_another_spelling_of_other_entry(
    hass: HomeAssistant, mock_client: MagicMock
) -> None:
    """An entry cannot move onto an address of the gateway another entry of it has."""
    moving = gateway_entry(hass, "other.example.net")
    gateway_entry(hass, "gw.example.com", webhook_id="other")
    result = await moving.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "http://192.0.2.10:20003",
            CONF_PORT: 20003,
            CONF_SSL: False,
            CONF_VERIFY_SSL: True,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert moving.data[CONF_HOST] == "other.example.net"
    mock_client.get_balance.assert_not_called()


async def test_reconfigure_to_another_spelling_keeps_entities_and_seq(
    hass: HomeAssistant,
    mock_client: MagicMock,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    hass_storage: dict[str, Any],
) -> None:
    """Moving 127.0.0.1 to LOCALHOST. keeps every entity id and continues the account's seq."""
    entry = gateway_entry(hass, "127.0.0.1", **{CONF_ENCRYPTION_KEY: "k3y"})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    registered = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert registered
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    last_seq = (await async_get_seq_source(hass, "demo")).next_seq()

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: "LOCALHOST.", CONF_PORT: 20003, CONF_SSL: False},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    # The unique id follows the address; nothing keyed by the entry id changes.
    assert entry.unique_id == "localhost:20003:demo"
    assert entry.title == "demo @ LOCALHOST."
    assert (
        er.async_entries_for_config_entry(entity_registry, entry.entry_id) == registered
    )
    assert [
        device.id
        for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    ] == [device.id for device in devices]
    for entity in registered:
        assert hass.states.get(entity.entity_id) is not None
    # The counter is the account's, wherever its gateway is reached.
    assert (await async_get_seq_source(hass, "demo")).next_seq() == last_seq + 1
    assert list(hass_storage[SEQ_STORAGE_KEY]["data"]) == ["demo"]
