"""Adding a recipient in the real frontend: the success dialog names its notify action, which sends."""

from __future__ import annotations

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
