"""
Adding a recipient in the real frontend: the success dialog names its notify action, which sends.

The action describes itself on the Actions page, where a search for "SMS" finds it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import Page, expect

from .browser import picture
from .conftest import ARTIFACTS, E2eStack
from .frontend import dialog, dialog_text, fill_field, open_add_recipient, submit
from .gateway_entry import add_entry, remove_entries
from .hass_api import HassApi


async def test_recipient_success_dialog_names_its_action(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
) -> None:
    """Add recipient → name, a foreign number, saved as read → the dialog names notify.eims_<name>."""
    await remove_entries(hass_api)
    await add_entry(hass_api, e2e_stack)
    await open_add_recipient(page, hass_api.hass_url, "Night shift")
    await fill_field(page, "Phone number", "+447911123456")
    # Home Assistant's country is NL: a +44 number (a Guernsey one) is saved once confirmed.
    await submit(page, "Check the numbers")
    assert "+447911123456 → +44 7911 123456 (GG)" in await dialog_text(page)
    await picture(page, ARTIFACTS / "recipient-check-numbers.png")
    await dialog(page).get_by_text("Save these numbers", exact=True).click()
    await expect(dialog(page)).to_contain_text("notify.eims_night_shift")
    assert "Alerts, notify groups and blueprints" in await dialog_text(page)
    await picture(page, ARTIFACTS / "recipient-added-notify-action.png")

    # The named action, as alert: calls it, reaches the gateway.
    await hass_api.call_service(
        "notify", "eims_night_shift", {"message": "Door open", "title": "Alarm"}
    )
    submissions = await hass_api.simulator_control(
        f"/sent?account={e2e_stack.simulator_account}", method="GET"
    )
    assert [(s["params"]["content"], s["numbers"]) for s in submissions][-1:] == [
        ("Alarm\nDoor open", ["447911123456"])
    ]


async def test_named_action_found_and_explained_on_the_actions_page(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
) -> None:
    """Settings → Tools → Actions, search "SMS": the recipient's action, its help per field."""
    # Its own name: notify.eims_night_shift, freed with the last entry, goes to no one else.
    await remove_entries(hass_api)
    await add_entry(hass_api, e2e_stack)
    await open_add_recipient(page, hass_api.hass_url, "Day shift")
    await fill_field(page, "Phone number", "+31612345678")
    await submit(page, "notify.eims_day_shift")

    described = await _described(hass_api, "eims_day_shift")
    assert described["name"] == "Send an SMS to Day shift"
    assert "a recipient of the EIMS account" in described["description"]
    assert list(described["fields"]) == ["message", "title", "data"]

    await page.goto(f"{hass_api.hass_url}/config/tools/action")
    await page.locator("ha-service-picker").click()
    picker = page.locator("ha-picker-combo-box")
    await picker.locator("input").fill("SMS")
    found = picker.get_by_text("Send an SMS to Day shift", exact=True)
    await expect(found).to_be_visible()
    await expect(
        picker.get_by_text("Send an SMS with demo @ 127.0.0.1")
    ).to_be_visible()
    await found.scroll_into_view_if_needed()
    await picture(page, ARTIFACTS / "notify-action-search-sms.png")
    await found.click()
    form = page.locator("ha-service-control")
    for help_text in (
        "The text to send.",
        "Sent as the first line of the SMS, or as the title of an MMS.",
        "mms_title (sends an MMS with this title)",
    ):
        await expect(form.get_by_text(help_text, exact=False)).to_be_visible()
    await picture(page, ARTIFACTS / "notify-action-form.png")


async def _described(hass_api: HassApi, service: str) -> dict[str, Any]:
    """Return the description of `notify.<service>` once the recipient's reload made it."""
    async with asyncio.timeout(30):
        while True:
            services = await hass_api.ws_command("get_services")
            described: dict[str, Any] | None = services["notify"].get(service)
            if described is not None and described["name"].startswith("Send an SMS"):
                return described
            await asyncio.sleep(0.1)
