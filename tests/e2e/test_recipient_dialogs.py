"""Recipients in the real frontend: bad numbers named, short codes asked about, entity added."""

from __future__ import annotations

from playwright.async_api import Page

from .browser import picture
from .conftest import ARTIFACTS, E2eStack
from .frontend import (
    dialog,
    dialog_text,
    fill_field,
    finish,
    form_data,
    open_add_recipient,
    open_integration_page,
    submit,
    wait_for_form,
)
from .gateway_entry import add_entry, remove_entries, wait_for_state
from .hass_api import HassApi

NOTIFY_ENTITY = "notify.alice"


async def test_add_and_change_a_recipient(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
) -> None:
    """
    Add recipient: "call me" is named as not a number; "12345" is shown as read, a short code,
    beside a British number, and nothing is saved; changed to a Dutch number, it is saved.
    """
    await remove_entries(hass_api)
    await add_entry(hass_api, e2e_stack)
    await open_add_recipient(page, hass_api.hass_url, "Alice")
    await fill_field(page, "Phone number", "call me")
    await submit(page, "Not valid phone numbers: call me")
    await picture(page, ARTIFACTS / "recipient-invalid-number.png")
    await fill_field(page, "Phone number", "12345, +44 7400 123456")
    await submit(page, "Check the numbers")
    shown = await dialog_text(page)
    await picture(page, ARTIFACTS / "recipient-check-short-code.png")
    assert "Nothing is saved yet" in shown
    # Every entry as it was read, under what it was read as: Home Assistant's country is NL.
    phone_numbers, short_codes = shown.split("Phone numbers")[1].split("Short codes")
    assert "+44 7400 123456 → +44 7400 123456 (GB)" in phone_numbers
    assert "12345 → 12345" in short_codes
    assert "Translation error" not in shown
    await dialog(page).get_by_text("Change the numbers", exact=True).click()
    await wait_for_form(page, "Add an SMS recipient")
    # The form as the user left it: nothing was saved, nothing is lost.
    typed = await form_data(page)
    assert (typed["name"], typed["numbers"]) == ("Alice", ["12345, +44 7400 123456"])
    await picture(page, ARTIFACTS / "recipient-change-numbers.png")
    await fill_field(page, "Phone number", "06 12345678")
    await submit(page, "Created configuration for Alice")
    await picture(page, ARTIFACTS / "recipient-added.png")
    await finish(page)
    state = await wait_for_state(
        hass_api, NOTIFY_ENTITY, lambda state: "entity_id" in state
    )
    assert state["attributes"]["friendly_name"] == "Alice"

    await open_integration_page(page, hass_api.hass_url)
    await (
        page.locator("ha-config-sub-entry-row")
        .get_by_role("button", name="Configure")
        .first.click()
    )
    await wait_for_form(page, "Change the recipient")
    # The number as it was stored: read in Home Assistant's country (NL).
    assert (await form_data(page))["numbers"] == ["+31612345678"]
    await fill_field(page, "Name", "Alice B")
    await picture(page, ARTIFACTS / "recipient-reconfigure.png")
    await submit(page, "Reconfiguration was successful")
    await picture(page, ARTIFACTS / "recipient-changed.png")
    await wait_for_state(
        hass_api,
        NOTIFY_ENTITY,
        lambda state: state["attributes"].get("friendly_name") == "Alice B",
    )
