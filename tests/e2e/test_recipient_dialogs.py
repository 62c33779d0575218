"""Recipients in the real frontend: bad numbers named, short codes asked about, entity added."""

from __future__ import annotations

from .browser import Browser, css, role, text
from .conftest import ARTIFACTS, E2eStack
from .frontend import (
    DIALOG,
    dialog_text,
    fill_field,
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
    hass_api: HassApi, e2e_stack: E2eStack, browser: Browser
) -> None:
    """
    Add recipient: "call me" is named as not a number; "12345" is shown as read, a short code,
    beside a British number, and nothing is saved; changed to a Dutch number, it is saved.
    """
    await remove_entries(hass_api)
    await add_entry(hass_api, e2e_stack)
    await open_add_recipient(browser, hass_api.hass_url, "Alice")
    await fill_field(browser, "Phone number", "call me")
    await submit(browser)
    await browser.wait(DIALOG, text("Not valid phone numbers: call me"))
    await browser.screenshot(ARTIFACTS / "recipient-invalid-number.png")
    await fill_field(browser, "Phone number", "12345, +44 7400 123456")
    await submit(browser)
    await browser.wait(DIALOG, text("Check the numbers"))
    shown = await dialog_text(browser)
    await browser.screenshot(ARTIFACTS / "recipient-check-short-code.png")
    assert "Nothing is saved yet" in shown
    # Every entry as it was read, under what it was read as: Home Assistant's country is NL.
    phone_numbers, short_codes = shown.split("Phone numbers")[1].split("Short codes")
    assert "+44 7400 123456 → +44 7400 123456 (GB)" in phone_numbers
    assert "12345 → 12345" in short_codes
    assert "Translation error" not in shown
    await browser.click(DIALOG, text("Change the numbers", exact=True))
    await wait_for_form(browser, "Add an SMS recipient")
    # The form as the user left it: nothing was saved, nothing is lost.
    typed = await form_data(browser)
    assert (typed["name"], typed["numbers"]) == ("Alice", ["12345, +44 7400 123456"])
    await browser.screenshot(ARTIFACTS / "recipient-change-numbers.png")
    await fill_field(browser, "Phone number", "06 12345678")
    await submit(browser)
    await browser.wait(DIALOG, text("Created configuration for Alice"))
    await browser.screenshot(ARTIFACTS / "recipient-added.png")
    await browser.click(DIALOG, role("button", "Finish"))
    state = await wait_for_state(
        hass_api, NOTIFY_ENTITY, lambda state: "entity_id" in state
    )
    assert state["attributes"]["friendly_name"] == "Alice"

    await open_integration_page(browser, hass_api.hass_url)
    await browser.click(css("ha-config-sub-entry-row"), role("button", "Configure"))
    await wait_for_form(browser, "Change the recipient")
    # The number as it was stored: read in Home Assistant's country (NL).
    assert (await form_data(browser))["numbers"] == ["+31612345678"]
    await fill_field(browser, "Name", "Alice B")
    await browser.screenshot(ARTIFACTS / "recipient-reconfigure.png")
    await submit(browser)
    await browser.wait(DIALOG, text("Reconfiguration was successful"))
    await browser.screenshot(ARTIFACTS / "recipient-changed.png")
    await wait_for_state(
        hass_api,
        NOTIFY_ENTITY,
        lambda state: state["attributes"].get("friendly_name") == "Alice B",
    )
