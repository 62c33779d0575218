"""The options dialog in the real frontend: every field shows its default, it saves as is and changed."""

from __future__ import annotations

from playwright.async_api import Page, expect

from .browser import picture
from .conftest import ARTIFACTS, E2eStack
from .frontend import (
    choose,
    dialog,
    dialog_text,
    field,
    field_text,
    finish,
    flow_form,
    form_data,
    open_integration_page,
    stored_options,
    submit,
    wait_for_form,
)
from .gateway_entry import (
    add_entry,
    device_of,
    entity_ids,
    remove_entries,
    wait_for_state,
)
from .hass_api import HassApi

OPTIONS_TITLE = "EIMS options"
ASSIST_SECTION = "Text your home (Assist over SMS)"
DEFAULTS = {
    "currency": "none",
    "gateway_time_zone": "Europe/Amsterdam",
    "number_format": "plus",
    "tracking_window": 72,
    "duplicate_window": 60,
    "daily_limit": 0,
    "history_limit": 1000,
    "assist": {
        "enabled": False,
        "trusted_numbers": [],
        "agent_id": "conversation.home_assistant",
        "language": "en",
        "rate_limit": 5,
        "replies_per_hour": 20,
        "max_segments": 3,
    },
}
# What each field shows before anything is changed.
SHOWN = {
    "Balance currency": "None (credits)",
    "Gateway time zone": "Europe/Amsterdam",
    "Delivery tracking window": "72",
    "Repeat guard window": "60",
    "Daily SMS segment limit": "0",
    "Messages kept": "1000",
    "Answer SMS with Assist": "Answer SMS with Assist",
    "Trusted number": "Add Trusted number",
    "Conversation agent": "Home Assistant",
    "Language": "English",
    "Messages per minute per number": "5",
    "Answers per hour, all numbers": "20",
    "SMS segments per answer": "3",
}


async def _open_options(page: Page, hass_url: str) -> None:
    """Settings > Devices & services > EIMS SMS Gateway > Configure."""
    await open_integration_page(page, hass_url)
    await page.get_by_role("button", name="Configure").click()
    await wait_for_form(page, OPTIONS_TITLE)


async def test_options_dialog_saves_unchanged_and_changed(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
) -> None:
    """Submit with no change saves the defaults; a new currency turns the balance into money.

    The currency stays "None (credits)" though Home Assistant's is EUR: it is offered first,
    never chosen for the user.
    """
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    balance = (await entity_ids(hass_api, entry_id))["balance"]
    await wait_for_state(hass_api, balance)

    # A taller window pictures every field above the Assist section at once.
    await page.set_viewport_size({"width": 1280, "height": 1600})
    await _open_options(page, hass_api.hass_url)
    await picture(page, ARTIFACTS / "options-defaults.png")
    await page.set_viewport_size({"width": 1280, "height": 900})
    await dialog(page).get_by_text(ASSIST_SECTION).first.click()
    for label, shown in SHOWN.items():
        assert shown in await field_text(page, label), label
    assert await form_data(page) == DEFAULTS
    # The section has opened by now: its last field is where the scroll ends.
    await field(
        flow_form(page), "SMS segments per answer"
    ).first.scroll_into_view_if_needed()
    await picture(page, ARTIFACTS / "options-defaults-assist.png")

    await submit(page, "Options successfully saved")
    await picture(page, ARTIFACTS / "options-saved.png")
    assert await stored_options(e2e_stack.config_dir, entry_id, bool) == DEFAULTS
    await finish(page)

    await _open_options(page, hass_api.hass_url)
    await choose(page, "Balance currency", "EUR")
    await picture(page, ARTIFACTS / "options-currency.png")
    await submit(page, "Options successfully saved")
    assert await stored_options(
        e2e_stack.config_dir, entry_id, lambda options: options["currency"] == "EUR"
    ) == DEFAULTS | {"currency": "EUR"}
    assert "Not all required fields" not in await dialog_text(page)
    await picture(page, ARTIFACTS / "options-currency-saved.png")
    state = await wait_for_state(
        hass_api,
        balance,
        lambda state: state["attributes"].get("unit_of_measurement") == "EUR",
    )
    assert state["attributes"]["device_class"] == "monetary"
    await finish(page)
    device = await device_of(hass_api, entry_id)
    await page.goto(f"{hass_api.hass_url}/config/devices/device/{device['id']}")
    await expect(page.get_by_text("€").first).to_be_visible()
    await picture(page, ARTIFACTS / "balance-in-euro.png")
