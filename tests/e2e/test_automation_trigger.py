"""The automation editor offers the integration's triggers with their fields; one saved there runs."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from playwright.async_api import Page, expect

from .browser import picture
from .conftest import ARTIFACTS, E2eStack
from .gateway_entry import add_entry, entity_ids, remove_entries, wait_for_state
from .hass_api import HassApi

TRIGGERS = {
    "eims.sms_received": (
        "SMS received",
        {"config_entry_id", "from", "keyword", "pattern"},
    ),
    "eims.delivery_failed": ("SMS delivery failed", {"config_entry_id", "to"}),
    "eims.reply_received": (
        "Reply to a question received",
        {"config_entry_id", "ask_id"},
    ),
}
PICKER = "ha-dialog, ha-wa-dialog, ha-adaptive-dialog"
TEXT_INPUT = "input:not([type=checkbox])"
NAME = "Garage by SMS"
MUM = "+447911123456"


async def trigger_descriptions(e2e_stack: E2eStack) -> dict[str, Any]:
    """Return what the automation editor asks the websocket for: every trigger's fields."""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{e2e_stack.hass_url}/api/websocket") as websocket,
    ):
        await websocket.receive_json()
        await websocket.send_json(
            {"type": "auth", "access_token": e2e_stack.tokens.access_token}
        )
        assert (await websocket.receive_json())["type"] == "auth_ok"
        await websocket.send_json({"id": 1, "type": "trigger_platforms/subscribe"})
        event: dict[str, Any] = {}
        async with asyncio.timeout(30):
            assert (await websocket.receive_json())["success"]
            # Descriptions come platform by platform as they load: read until ours came.
            while not TRIGGERS.keys() <= event.keys():
                event |= (await websocket.receive_json())["event"]
    return event


async def fill_list_field(page: Page, label: str, value: str) -> None:
    """Turn an optional list field on, add an item and type `value` into it."""
    row = page.locator("ha-settings-row").filter(has_text=label).first
    await row.locator("ha-checkbox").first.click()
    await row.get_by_role("button", name="Add").first.click()
    await row.locator(TEXT_INPUT).first.fill(value)


async def saved_automation_id(page: Page) -> str:
    """Return the id the editor's address shows once the new automation is saved."""
    await page.wait_for_url(lambda url: not url.endswith("/new"))
    return page.url.rsplit("/", 1)[-1]


async def wait_for_traces(
    hass_api: HassApi, automation_id: str, count: int
) -> list[dict[str, Any]]:
    """Return the automation's run traces once there are `count` of them."""
    async with asyncio.timeout(30):
        while True:
            traces: list[dict[str, Any]] = await hass_api.ws_command(
                "trace/list", domain="automation", item_id=automation_id
            )
            if len(traces) >= count:
                return traces
            await asyncio.sleep(0.2)


async def test_editor_creates_sms_trigger(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
) -> None:
    """Pick "SMS received", set From and Keywords, save: it runs for that sender's keyword only."""
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    descriptions = await trigger_descriptions(e2e_stack)
    (ARTIFACTS / "trigger-descriptions.json").write_text(
        json.dumps({key: descriptions[key] for key in TRIGGERS}, indent=2)
    )
    for key, (_, fields) in TRIGGERS.items():
        assert set(descriptions[key]["fields"]) == fields, key

    await page.goto(f"{hass_api.hass_url}/config/automation/edit/new")
    await page.get_by_role("button", name="Add trigger").click()
    picker = page.locator(PICKER)
    await picker.locator(TEXT_INPUT).first.fill("SMS")
    for name, _ in TRIGGERS.values():
        await expect(picker.get_by_text(name, exact=True).first).to_be_visible()
    await picture(page, ARTIFACTS / "automation-trigger-picker.png")
    await picker.get_by_text("SMS received", exact=True).first.click()
    await fill_list_field(page, "From", "+44 7911 123456")
    await fill_list_field(page, "Keywords", "garage close")
    await expect(
        page.get_by_text("a group named room gives trigger.room").first
    ).to_be_visible()
    await picture(page, ARTIFACTS / "automation-sms-trigger.png")
    await page.get_by_role("button", name="Save").first.click()
    name_dialog = page.locator("ha-dialog, ha-wa-dialog").filter(has_text="Name").first
    await name_dialog.locator(TEXT_INPUT).first.fill(NAME)
    await name_dialog.get_by_role("button", name="Save").first.click()
    automation_id = await saved_automation_id(page)
    config = await hass_api.rest(
        "GET", f"/api/config/automation/config/{automation_id}"
    )
    assert config["triggers"] == [
        {
            "trigger": "eims.sms_received",
            "options": {"from": ["+44 7911 123456"], "keyword": ["garage close"]},
        }
    ]

    account = e2e_stack.simulator_account
    for sender, content in (("+447400123456", "garage close"), (MUM, "Garage, CLOSE!")):
        await hass_api.simulator_control(
            f"/accounts/{account}/inbound", {"from": sender, "content": content}
        )
    entities = await entity_ids(hass_api, entry_id)
    await hass_api.call_service(
        "homeassistant", "update_entity", {"entity_id": entities["sms_sent"]}
    )
    # Both SMS are announced in order, each trigger checked as it is: once the last one
    # is the entity's, the stranger's was turned down and Mum's run traced.
    await wait_for_state(
        hass_api,
        entities["received_sms"],
        lambda state: state["attributes"].get("text") == "Garage, CLOSE!",
    )
    traces = await wait_for_traces(hass_api, automation_id, 1)
    assert [trace["trigger"] for trace in traces] == [f"SMS from {MUM}"]
    await hass_api.rest("DELETE", f"/api/config/automation/config/{automation_id}")
