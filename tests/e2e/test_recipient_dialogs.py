"""Recipients in the real frontend: an invalid number is named, a valid one adds a notify entity."""

from __future__ import annotations

from .browser import Browser, css, role, text
from .conftest import ARTIFACTS, E2eStack
from .frontend import (
    DIALOG,
    FLOW_FORM,
    fill_field,
    form_data,
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
    """Add recipient: "call me" is named as not a number; a national number adds the entity."""
    await remove_entries(hass_api)
    await add_entry(hass_api, e2e_stack)
    await open_integration_page(browser, hass_api.hass_url)
    await browser.click(role("button", "Add recipient"))
    await wait_for_form(browser, "Add an SMS recipient")
    await fill_field(browser, "Name", "Alice")
    await browser.click(FLOW_FORM, role("button", "Phone numbers"))
    await fill_field(browser, "Phone numbers", "call me")
    await submit(browser)
    await browser.wait(DIALOG, text("Not valid phone numbers: call me"))
    await browser.screenshot(ARTIFACTS / "recipient-invalid-number.png")
    await fill_field(browser, "Phone numbers", "06 12345678")
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
