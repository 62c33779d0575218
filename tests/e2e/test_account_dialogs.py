"""The account's dialogs in the real frontend: add it, sign in again, move the gateway."""

from __future__ import annotations

from decimal import Decimal

from .browser import Browser, css, role, text
from .conftest import ARTIFACTS, E2eStack
from .frontend import (
    DIALOG,
    dialog_text,
    fill_field,
    form_data,
    open_integration_page,
    submit,
    wait_for_form,
)
from .gateway_entry import DOMAIN, add_entry, entity_ids, remove_entries, wait_for_state
from .hass_api import HassApi

WRONG_PASSWORD = "not-the-password"


async def _entries(hass_api: HassApi) -> list[dict[str, object]]:
    """Return the EIMS entries."""
    entries: list[dict[str, object]] = await hass_api.rest(
        "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
    )
    return entries


async def test_add_account_wrong_password_then_right(
    hass_api: HassApi, e2e_stack: E2eStack, browser: Browser
) -> None:
    """Add integration > EIMS: a wrong password is named and loses nothing; the right one adds it."""
    await remove_entries(hass_api)
    await browser.goto(f"{hass_api.hass_url}/config/integrations/dashboard")
    await browser.click(role("button", "Add integration"))
    await browser.fill("EIMS", css("dialog-add-integration"), css("input"))
    await browser.click(css("dialog-add-integration"), text("EIMS SMS Gateway"))
    await wait_for_form(browser, "Connect an EIMS account")
    await fill_field(browser, "Gateway URL or host", "127.0.0.1")
    await fill_field(browser, "Port", str(e2e_stack.simulator_port))
    await fill_field(browser, "Account", e2e_stack.simulator_account)
    await fill_field(browser, "Password", WRONG_PASSWORD)
    await submit(browser)
    await browser.wait(DIALOG, text("The gateway refused the account or password"))
    # Nothing typed is lost: the form comes back as it was sent.
    assert await form_data(browser) == {
        "host": "127.0.0.1",
        "port": e2e_stack.simulator_port,
        "ssl": False,
        "verify_ssl": True,
        "account": e2e_stack.simulator_account,
        "password": WRONG_PASSWORD,
    }
    await browser.screenshot(ARTIFACTS / "add-account-wrong-password.png")
    assert await _entries(hass_api) == []

    await fill_field(browser, "Password", e2e_stack.simulator_password)
    await submit(browser)
    await browser.wait(DIALOG, text("The account is set up"))
    shown = await dialog_text(browser)
    assert f"{hass_api.hass_url}/api/webhook/" in shown
    await browser.screenshot(ARTIFACTS / "add-account-done.png")
    [entry] = await _entries(hass_api)
    assert entry["title"] == f"{e2e_stack.simulator_account} @ 127.0.0.1"
    balance = (await entity_ids(hass_api, str(entry["entry_id"])))["balance"]
    gateway = await hass_api.simulator_control(
        f"/accounts/{e2e_stack.simulator_account}", method="GET"
    )
    state = await wait_for_state(hass_api, balance)
    assert Decimal(state["state"]) == Decimal(gateway["balance"])


async def test_reauth_in_the_frontend(
    hass_api: HassApi, e2e_stack: E2eStack, browser: Browser
) -> None:
    """A changed password asks the user to sign in again; the new one brings it back."""
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    balance = (await entity_ids(hass_api, entry_id))["balance"]
    await wait_for_state(hass_api, balance)
    new_password = f"{e2e_stack.simulator_password}-new"
    await hass_api.simulator_control(
        "/accounts", {"name": e2e_stack.simulator_account, "password": new_password}
    )
    try:
        await hass_api.call_service(
            "homeassistant", "update_entity", {"entity_id": balance}
        )
        await wait_for_state(
            hass_api, balance, lambda state: state["state"] == "unavailable"
        )
        await open_integration_page(browser, hass_api.hass_url)
        await browser.click(role("button", "Reconfigure"))
        await wait_for_form(browser, "Sign in to")
        await fill_field(browser, "Password", WRONG_PASSWORD)
        await submit(browser)
        await browser.wait(DIALOG, text("The gateway refused the account or password"))
        await browser.screenshot(ARTIFACTS / "reauth-wrong-password.png")
        await fill_field(browser, "Password", new_password)
        await submit(browser)
        await browser.wait(DIALOG, text("Re-authentication was successful"))
        await browser.screenshot(ARTIFACTS / "reauth-done.png")
        await wait_for_state(hass_api, balance)
    finally:
        await hass_api.simulator_control(
            "/accounts",
            {
                "name": e2e_stack.simulator_account,
                "password": e2e_stack.simulator_password,
            },
        )


async def test_reconfigure_entry_in_the_frontend(
    hass_api: HassApi, e2e_stack: E2eStack, browser: Browser
) -> None:
    """⋮ > Reconfigure takes the gateway as a URL; the entry keeps its account."""
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    await open_integration_page(browser, hass_api.hass_url)
    await browser.click(css("ha-config-entry-row"), role("button", "Menu"))
    await browser.click(text("Reconfigure", exact=True))
    await wait_for_form(browser, "Change the gateway address")
    url = f"http://localhost:{e2e_stack.simulator_port}"
    await fill_field(browser, "Gateway URL or host", "not a host")
    await submit(browser)
    await browser.wait(DIALOG, text("Enter a host name or an http:// or https:// URL"))
    await browser.screenshot(ARTIFACTS / "reconfigure-entry-invalid-host.png")
    await fill_field(browser, "Gateway URL or host", url)
    await submit(browser)
    await browser.wait(DIALOG, text("Reconfiguration was successful"))
    await browser.screenshot(ARTIFACTS / "reconfigure-entry-done.png")
    [entry] = await _entries(hass_api)
    assert entry["entry_id"] == entry_id
    assert entry["title"] == f"{e2e_stack.simulator_account} @ localhost"
