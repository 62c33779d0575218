"""The account's dialogs in the real frontend: add it, sign in again, move the gateway."""

from __future__ import annotations

from decimal import Decimal

from playwright.async_api import Page

from .browser import picture
from .conftest import ARTIFACTS, E2eStack
from .frontend import (
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
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
) -> None:
    """Add integration > EIMS: a wrong password is named and loses nothing; the right one adds it."""
    await remove_entries(hass_api)
    await page.goto(f"{hass_api.hass_url}/config/integrations/dashboard")
    await page.get_by_role("button", name="Add integration").click()
    add_integration = page.locator("dialog-add-integration")
    await add_integration.locator("input").fill("EIMS")
    await add_integration.get_by_text("EIMS SMS Gateway").first.click()
    await wait_for_form(page, "Connect an EIMS account")
    await fill_field(page, "Gateway URL or host", "127.0.0.1")
    await fill_field(page, "Port", str(e2e_stack.simulator_port))
    await fill_field(page, "Account", e2e_stack.simulator_account)
    await fill_field(page, "Password", WRONG_PASSWORD)
    await submit(page, "The gateway refused the account or password")
    # Nothing typed is lost: the form comes back as it was sent.
    assert await form_data(page) == {
        "host": "127.0.0.1",
        "port": e2e_stack.simulator_port,
        "ssl": False,
        "verify_ssl": True,
        "account": e2e_stack.simulator_account,
        "password": WRONG_PASSWORD,
    }
    await picture(page, ARTIFACTS / "add-account-wrong-password.png")
    assert await _entries(hass_api) == []

    await fill_field(page, "Password", e2e_stack.simulator_password)
    await submit(page, "The account is set up")
    shown = await dialog_text(page)
    assert f"{hass_api.hass_url}/api/webhook/" in shown
    await picture(page, ARTIFACTS / "add-account-done.png")
    [entry] = await _entries(hass_api)
    assert entry["title"] == f"{e2e_stack.simulator_account} @ 127.0.0.1"
    balance = (await entity_ids(hass_api, str(entry["entry_id"])))["balance"]
    gateway = await hass_api.simulator_control(
        f"/accounts/{e2e_stack.simulator_account}", method="GET"
    )
    state = await wait_for_state(hass_api, balance)
    assert Decimal(state["state"]) == Decimal(gateway["balance"])


async def test_reauth_in_the_frontend(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
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
        await open_integration_page(page, hass_api.hass_url)
        await page.get_by_role("button", name="Reconfigure").click()
        await wait_for_form(page, "Sign in to")
        await fill_field(page, "Password", WRONG_PASSWORD)
        await submit(page, "The gateway refused the account or password")
        await picture(page, ARTIFACTS / "reauth-wrong-password.png")
        await fill_field(page, "Password", new_password)
        await submit(page, "Re-authentication was successful")
        await picture(page, ARTIFACTS / "reauth-done.png")
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
    hass_api: HassApi, e2e_stack: E2eStack, page: Page
) -> None:
    """⋮ > Reconfigure takes the gateway as a URL; the entry keeps its account."""
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    await open_integration_page(page, hass_api.hass_url)
    await (
        page.locator("ha-config-entry-row")
        .get_by_role("button", name="Menu")
        .first.click()
    )
    await page.get_by_text("Reconfigure", exact=True).click()
    await wait_for_form(page, "Change the gateway address")
    url = f"http://localhost:{e2e_stack.simulator_port}"
    await fill_field(page, "Gateway URL or host", "not a host")
    await submit(page, "Enter a host name or an http:// or https:// URL")
    await picture(page, ARTIFACTS / "reconfigure-entry-invalid-host.png")
    await fill_field(page, "Gateway URL or host", url)
    await submit(page, "Reconfiguration was successful")
    await picture(page, ARTIFACTS / "reconfigure-entry-done.png")
    [entry] = await _entries(hass_api)
    assert entry["entry_id"] == entry_id
    assert entry["title"] == f"{e2e_stack.simulator_account} @ localhost"
