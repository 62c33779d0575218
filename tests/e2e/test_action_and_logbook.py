"""Settings → Tools → Actions sends an SMS; the logbook shows what the account did, with icons."""

from __future__ import annotations

import asyncio
from datetime import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from playwright.async_api import Locator, Page, expect

from .browser import picture, shown_text
from .conftest import ARTIFACTS, SIMULATOR_ACCOUNT as ACCOUNT, E2eStack
from .gateway_entry import DOMAIN, add_entry, entity_ids, remove_entries, wait_for_state
from .hass_api import HassApi
from .hass_config import HASS_TIME_ZONE

RECIPIENT = "+31612345678"
MESSAGE = "Sent from Developer tools"
UI_MESSAGE = "Sent from Developer tools, UI mode"
INBOUND_SENDER = "+31687654321"
INBOUND_TEXT = "STATUS please"
# The icons an element draws: every `icon` set in it, its shadow roots included.
ICONS_IN = """element => {
  const icons = [];
  const walk = (node) => {
    if (node.icon) icons.push(node.icon);
    for (const child of [...(node.shadowRoot?.children ?? []), ...node.children]) walk(child);
  };
  walk(element);
  return icons;
}"""


async def test_send_sms_from_developer_tools(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
) -> None:
    """The action in YAML mode reaches the gateway once; its response shows the message ID."""
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    sent_before = await _sent_count(hass_api)
    await page.goto(f"{hass_api.hass_url}/config/tools/action")
    await page.get_by_role("button", name="YAML mode").click()
    editor = page.locator("ha-code-editor .cm-content")
    await editor.click()
    await page.keyboard.press("Control+a")
    # Typed key by key: the code editor takes no fill.
    await editor.press_sequentially(
        f"action: {DOMAIN}.send_sms\n"
        f'data: {{config_entry_id: {entry_id}, numbers: "{RECIPIENT}", message: "{MESSAGE}"}}'
    )
    await page.get_by_role("button", name="Perform action").click()
    await _assert_sent_once(hass_api, page, sent_before, MESSAGE)
    await picture(page, ARTIFACTS / "developer-tools-send-sms.png")


async def test_send_sms_from_developer_tools_ui_mode(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
) -> None:
    """The action in UI mode, as the README shows it: pick it, pick the account, fill, perform."""
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    [entry] = [
        entry
        for entry in await hass_api.rest(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        if entry["entry_id"] == entry_id
    ]
    sent_before = await _sent_count(hass_api)
    await page.goto(f"{hass_api.hass_url}/config/tools/action")
    await page.locator("ha-service-picker").click()
    picker = page.locator("ha-picker-combo-box")
    await picker.locator("input").fill(f"{DOMAIN}.send_sms")
    await picker.get_by_text("Send SMS", exact=True).click()
    await _row(page, "Account").locator("ha-config-entry-picker").click()
    await picker.get_by_text(entry["title"], exact=True).click()
    await _row(page, "Numbers").get_by_role("button").first.click()
    await _row(page, "Numbers").locator("input").first.fill(RECIPIENT)
    await _row(page, "Message").locator("textarea").fill(UI_MESSAGE)
    await picture(page, ARTIFACTS / "developer-tools-send-sms-ui.png")
    await page.get_by_role("button", name="Perform action").click()
    await _assert_sent_once(hass_api, page, sent_before, UI_MESSAGE)
    await picture(page, ARTIFACTS / "developer-tools-send-sms-ui-done.png")


def _row(page: Page, name: str) -> Locator:
    """Return the action form's row of the field named `name` (its heading; case matters)."""
    return (
        page.locator("ha-service-control ha-settings-row")
        .filter(has_text=re.compile(re.escape(name)))
        .first
    )


async def _sent_count(hass_api: HassApi) -> int:
    """Return how many sends the simulator's account has had."""
    return len(
        await hass_api.simulator_control(f"/sent?account={ACCOUNT}", method="GET")
    )


async def _assert_sent_once(
    hass_api: HassApi, page: Page, sent_before: int, message: str
) -> None:
    """The gateway got `message` once, to RECIPIENT; the response in view shows its ID."""
    response = page.get_by_text("success: 1").first
    await expect(response).to_be_visible()
    # The page scrolls inside its panel: the response is brought into the picture.
    await response.scroll_into_view_if_needed()
    sent = await hass_api.simulator_control(f"/sent?account={ACCOUNT}", method="GET")
    [submission] = sent[sent_before:]
    assert [n.removeprefix("+") for n in submission["numbers"]] == [
        RECIPIENT.removeprefix("+")
    ]
    messages = await hass_api.simulator_control(
        f"/messages?account={ACCOUNT}", method="GET"
    )
    assert [m["content"] for m in messages if m["id"] in submission["ids"]] == [message]
    shown = await shown_text(
        page.locator("developer-tools-action, ha-panel-config").first
    )
    assert f"id: {submission['ids'][0]}" in shown


async def test_logbook_shows_received_sms_as_it_arrives(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
) -> None:
    """
    The Received SMS entity's Activity, open before the SMS comes, shows it without a reload.

    One line: "Received SMS from <sender>: <text>" with the entity's icon, the account under
    it, at the time Home Assistant logged.
    """
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    entities = await entity_ids(hass_api, entry_id)
    await wait_for_state(hass_api, entities["balance"])
    # The same view as the entity's more-info: the logbook of this entity only.
    await page.goto(f"{hass_api.hass_url}/logbook?entity_id={entities['received_sms']}")
    await expect(page.locator("ha-logbook")).to_be_visible()
    await hass_api.simulator_control(
        f"/accounts/{e2e_stack.simulator_account}/inbound",
        {"from": INBOUND_SENDER, "content": INBOUND_TEXT},
    )
    # Delivery sensors update with the messages poll, which reads the inbox.
    await hass_api.call_service(
        "homeassistant", "update_entity", {"entity_id": entities["awaiting_report"]}
    )
    line = f"from {INBOUND_SENDER}: {INBOUND_TEXT}"
    entry = (
        page.locator("ha-logbook-renderer .entry-container").filter(has_text=line).first
    )
    await expect(entry).to_be_visible()
    icons = await entry.evaluate(ICONS_IN)
    await picture(page, ARTIFACTS / "logbook.png")
    assert "mdi:message-text-outline" in icons
    # The page reads what the recorder has written (it commits every few seconds).
    [logged] = await _logbook_entries(hass_api, line)
    assert logged["entity_id"] == entities["received_sms"]
    # The browser runs in Home Assistant's zone, so the page shows the time hass logged.
    zone = await page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    assert zone == HASS_TIME_ZONE
    logged_at = datetime.fromisoformat(logged["when"]).astimezone(ZoneInfo(zone))
    shown = await shown_text(entry)
    assert logged_at.strftime("%H:%M") in shown, (logged_at, shown)


async def _logbook_entries(
    hass_api: HassApi, message: str, timeout: float = 20
) -> list[dict[str, Any]]:
    """Return the logbook entries whose message ends with `message`, once there are some."""
    async with asyncio.timeout(timeout):
        while True:
            entries = [
                entry
                for entry in await hass_api.rest("GET", "/api/logbook")
                if str(entry.get("message", "")).endswith(message)
            ]
            if entries:
                return entries
            await asyncio.sleep(0.5)
