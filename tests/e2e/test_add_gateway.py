"""A user's first steps: Home Assistant is up, they add their gateway account and see the balance."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from .browser import screenshot
from .conftest import E2eStack
from .hass_api import HassApi
from .hass_config import REPO

DOMAIN = "eims"
USER_STEP_FIELDS = {
    "host",
    "port",
    "ssl",
    "verify_ssl",
    "account",
    "password",
    "encryption_key",
}
DASHBOARD_PNG = REPO / "artifacts" / "dashboard.png"
# The Overview dashboard's view that lists devices without an area.
OVERVIEW_DEVICES = "/home/other-devices"


async def test_home_assistant_is_onboarded_and_finds_the_integration(
    hass_api: HassApi,
) -> None:
    """Onboarding is complete, the core is running and EIMS is offered in "Add integration"."""
    steps = await hass_api.rest("GET", "/api/onboarding")
    assert {step["step"]: step["done"] for step in steps} == {
        "user": True,
        "core_config": True,
        "analytics": True,
        "integration": True,
    }
    config = await hass_api.rest("GET", "/api/config")
    assert config["state"] == "RUNNING"
    assert config["time_zone"] == "Europe/Amsterdam"
    assert config["internal_url"] == hass_api.hass_url
    manifest = await hass_api.ws_command("manifest/get", integration=DOMAIN)
    assert manifest["config_flow"] is True
    assert manifest["is_built_in"] is False


async def test_add_gateway_account_shows_its_balance(
    hass_api: HassApi, e2e_stack: E2eStack
) -> None:
    """The config flow against the simulator creates an entry whose balance sensor is right."""
    for entry in await hass_api.rest(
        "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
    ):
        await hass_api.rest(
            "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
        )

    account = e2e_stack.simulator_account
    await hass_api.simulator_control(
        f"/accounts/{account}/balance", {"balance": "42.17"}
    )

    form = await hass_api.start_config_flow(DOMAIN)
    assert form["type"] == "form"
    assert form["step_id"] == "user"
    fields = {field["name"]: field for field in form["data_schema"]}
    assert set(fields) == USER_STEP_FIELDS
    assert fields["port"]["default"] == 20003

    created = await hass_api.config_flow_step(
        form["flow_id"],
        {
            "host": "127.0.0.1",
            "port": e2e_stack.simulator_port,
            "ssl": False,
            "verify_ssl": True,
            "account": account,
            "password": e2e_stack.simulator_password,
        },
    )
    assert created["type"] == "create_entry", created
    entry_id = created["result"]["entry_id"]

    gateway = await hass_api.simulator_control(f"/accounts/{account}", method="GET")
    balance_entity = await _balance_sensor(hass_api, entry_id)
    state = await _settled_state(hass_api, balance_entity)
    assert Decimal(state["state"]) == Decimal(gateway["balance"])

    device = await _device_of(hass_api, entry_id)
    visit = await screenshot(
        f"{hass_api.hass_url}{OVERVIEW_DEVICES}",
        e2e_stack.tokens.for_browser(hass_api.hass_url),
        DASHBOARD_PNG,
        wait_for_selectors=["hui-view"],
        wait_for_texts=[device["name_by_user"] or device["name"], "Balance"],
    )
    assert visit.final_url == f"{hass_api.hass_url}{OVERVIEW_DEVICES}"
    assert visit.blocked == []
    assert DASHBOARD_PNG.stat().st_size > 10_000
    hass_log = (e2e_stack.config_dir / "home-assistant.log").read_text()
    assert e2e_stack.simulator_password not in hass_log


async def _balance_sensor(hass_api: HassApi, entry_id: str) -> str:
    """Return the entry's one balance sensor (not the gift balance)."""
    entities: list[dict[str, Any]] = await hass_api.ws_command(
        "config/entity_registry/list"
    )
    balances: list[str] = [
        entity["entity_id"]
        for entity in entities
        if entity["config_entry_id"] == entry_id
        and entity["entity_id"].startswith("sensor.")
        and "balance" in entity["entity_id"]
        and "gift" not in entity["entity_id"]
    ]
    assert len(balances) == 1, balances
    return balances[0]


async def _device_of(hass_api: HassApi, entry_id: str) -> dict[str, Any]:
    """Return the entry's one device (the gateway account)."""
    devices: list[dict[str, Any]] = [
        device
        for device in await hass_api.ws_command("config/device_registry/list")
        if entry_id in device["config_entries"]
    ]
    assert len(devices) == 1, devices
    return devices[0]


async def _settled_state(
    hass_api: HassApi, entity_id: str, timeout: float = 30
) -> dict[str, Any]:
    """Return the entity's state once it has a value (a real process: poll in real time)."""
    async with asyncio.timeout(timeout):
        while True:
            state: dict[str, Any] = await hass_api.rest(
                "GET", f"/api/states/{entity_id}"
            )
            if state["state"] not in ("unknown", "unavailable"):
                return state
            await asyncio.sleep(0.2)
