"""A user's first steps: Home Assistant is up, they add their gateway account and see the balance."""

from __future__ import annotations

from decimal import Decimal

from playwright.async_api import Page, expect

from .browser import picture
from .conftest import E2eStack
from .gateway_entry import (
    DOMAIN,
    device_of,
    entity_ids,
    remove_entries,
    user_input,
    wait_for_state,
)
from .hass_api import HassApi
from .hass_config import REPO

USER_STEP_FIELDS = {
    "host",
    "port",
    "ssl",
    "verify_ssl",
    "account",
    "password",
    "encryption_key",
}
DEFAULT_CONFIG_HERE = {
    *("assist_pipeline", "bluetooth", "cloud", "conversation", "energy", "file"),
    *("history", "logbook", "media_source", "mobile_app", "my", "recorder", "stream"),
    *("sun", "usage_prediction", "usb", "webhook"),
}
LEFT_OUT = {"dhcp", "go2rtc", "homeassistant_alerts", "ssdp", "zeroconf"}
# The final dashboard (artifacts/dashboard.png) is test_sms_round_trip's.
FIRST_BALANCE_PNG = REPO / "artifacts" / "first-balance.png"
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
    # default_config, but for what reaches beyond 127.0.0.1 (configuration.yaml says why).
    assert set(config["components"]) >= DEFAULT_CONFIG_HERE
    assert not LEFT_OUT & set(config["components"])
    assert config["time_zone"] == "Europe/Amsterdam"
    assert config["internal_url"] == hass_api.hass_url
    manifest = await hass_api.ws_command("manifest/get", integration=DOMAIN)
    assert manifest["config_flow"] is True
    assert manifest["is_built_in"] is False


async def test_add_gateway_account_shows_its_balance(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page, refused_requests: list[str]
) -> None:
    """The config flow against the simulator creates an entry whose balance sensor is right."""
    await remove_entries(hass_api)
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

    created = await hass_api.config_flow_step(form["flow_id"], user_input(e2e_stack))
    assert created["type"] == "create_entry", created
    entry_id = created["result"]["entry_id"]

    gateway = await hass_api.simulator_control(f"/accounts/{account}", method="GET")
    balance_entity = (await entity_ids(hass_api, entry_id))["balance"]
    state = await wait_for_state(hass_api, balance_entity)
    assert Decimal(state["state"]) == Decimal(gateway["balance"])

    device = await device_of(hass_api, entry_id)
    await page.goto(f"{hass_api.hass_url}{OVERVIEW_DEVICES}")
    await expect(page.locator("hui-view")).to_be_visible()
    for shown in (device["name_by_user"] or device["name"], "Balance"):
        await expect(page.get_by_text(shown).first).to_be_visible()
    await picture(page, FIRST_BALANCE_PNG, full_page=True)
    assert page.url == f"{hass_api.hass_url}{OVERVIEW_DEVICES}"
    assert refused_requests == []
    assert FIRST_BALANCE_PNG.stat().st_size > 10_000
    hass_log = (e2e_stack.config_dir / "home-assistant.log").read_text()
    assert e2e_stack.simulator_password not in hass_log
