"""The EIMS config entry as the running hass holds it: add it, find its device and entities."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .conftest import E2eStack
from .hass_api import HassApi

DOMAIN = "eims"
# States an entity has before its first value.
NO_VALUE = ("unknown", "unavailable")


def user_input(e2e_stack: E2eStack) -> dict[str, Any]:
    """Return what a user types into the "user" step to add the simulator's account."""
    return {
        "host": "127.0.0.1",
        "port": e2e_stack.simulator_port,
        "ssl": False,
        "verify_ssl": True,
        "account": e2e_stack.simulator_account,
        "password": e2e_stack.simulator_password,
    }


async def remove_entries(hass_api: HassApi) -> None:
    """Delete every EIMS entry, so a test starts from no account (and no stored counters)."""
    for entry in await hass_api.rest(
        "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
    ):
        await hass_api.rest(
            "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
        )


async def add_entry(hass_api: HassApi, e2e_stack: E2eStack) -> str:
    """Add the simulator's account through the config flow; return the new entry's id."""
    form = await hass_api.start_config_flow(DOMAIN)
    assert form["type"] == "form", form
    created = await hass_api.config_flow_step(form["flow_id"], user_input(e2e_stack))
    assert created["type"] == "create_entry", created
    entry_id: str = created["result"]["entry_id"]
    return entry_id


async def set_options(
    hass_api: HassApi, entry_id: str, options: dict[str, Any]
) -> dict[str, Any]:
    """Submit the options dialog (then the entry reloads); return the form it showed."""
    form: dict[str, Any] = await hass_api.rest(
        "POST",
        "/api/config/config_entries/options/flow",
        {"handler": entry_id, "show_advanced_options": False},
    )
    assert form["type"] == "form", form
    done = await hass_api.rest(
        "POST", f"/api/config/config_entries/options/flow/{form['flow_id']}", options
    )
    assert done["type"] == "create_entry", done
    return form


async def entity_ids(hass_api: HassApi, entry_id: str) -> dict[str, str]:
    """Return the entry's entity ids by their description key ("balance", "received_sms"...)."""
    prefix = f"{entry_id}_"
    return {
        entity["unique_id"].removeprefix(prefix): entity["entity_id"]
        for entity in await hass_api.ws_command("config/entity_registry/list")
        if entity["config_entry_id"] == entry_id
        and entity["unique_id"].startswith(prefix)
    }


async def device_of(hass_api: HassApi, entry_id: str) -> dict[str, Any]:
    """Return the entry's one device (the gateway account)."""
    devices: list[dict[str, Any]] = [
        device
        for device in await hass_api.ws_command("config/device_registry/list")
        if entry_id in device["config_entries"]
    ]
    assert len(devices) == 1, devices
    return devices[0]


async def wait_for_state(
    hass_api: HassApi,
    entity_id: str,
    until: Callable[[dict[str, Any]], bool] = lambda state: (
        state["state"] not in NO_VALUE
    ),
    timeout: float = 30,
) -> dict[str, Any]:
    """Return the entity's state once `until` holds (a real process: poll in real time)."""
    state: dict[str, Any] = {}
    try:
        async with asyncio.timeout(timeout):
            while True:
                state = await hass_api.rest("GET", f"/api/states/{entity_id}")
                if until(state):
                    return state
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"{entity_id} still {state} after {timeout} s") from None
