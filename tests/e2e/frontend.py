"""Steps a user takes in Home Assistant's frontend: open dialogs, fill forms, submit them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import re
from typing import Any

from playwright.async_api import Locator, Page, expect

from .browser import shown_text
from .gateway_entry import DOMAIN

INTEGRATION_PAGE = f"/config/integrations/integration/{DOMAIN}"


def dialog(page: Page) -> Locator:
    """Return the config, options or subentry flow's dialog."""
    return page.locator("dialog-data-entry-flow")


def flow_form(page: Page) -> Locator:
    """Return the form of the flow step the dialog shows now; its `data` is what Submit sends.

    The first one: a section's fields are a form within it.
    """
    return page.locator("step-flow-form ha-form").first


def field(form: Locator, label_text: str) -> Locator:
    """Return the form field (a selector) labelled `label_text`.

    Case matters: "Port" is not the "port" of another field's help.
    """
    return form.locator("ha-selector").filter(
        has_text=re.compile(re.escape(label_text))
    )


async def open_integration_page(page: Page, hass_url: str) -> None:
    """Open Settings > Devices & services > EIMS SMS Gateway."""
    await page.goto(f"{hass_url}{INTEGRATION_PAGE}")
    await expect(page.get_by_text("EIMS SMS Gateway").first).to_be_visible()


async def open_add_recipient(page: Page, hass_url: str, name: str) -> None:
    """Open Add recipient on the integration's page, give the name, open the first number field."""
    await open_integration_page(page, hass_url)
    await page.get_by_role("button", name="Add recipient").click()
    await wait_for_form(page, "Add an SMS recipient")
    await fill_field(page, "Name", name)
    # A multiple text field starts empty: its button adds the first input.
    await (
        flow_form(page)
        .get_by_role("button", name="Add Phone number", exact=True)
        .click()
    )


async def wait_for_form(page: Page, title: str) -> None:
    """Wait until the dialog shows the form titled `title`, its fields drawn."""
    await expect(dialog(page).get_by_text(title).first).to_be_visible()
    await expect(flow_form(page).locator("ha-selector").first).to_be_visible()


async def form_data(page: Page) -> dict[str, Any]:
    """Return what the dialog's form would submit now."""
    data: dict[str, Any] = await flow_form(page).evaluate("form => form.data")
    return data


async def dialog_text(page: Page) -> str:
    """Return the text the dialog shows, one block a line."""
    return await shown_text(dialog(page))


async def field_text(page: Page, label_text: str) -> str:
    """Return what the field labelled `label_text` shows: its label, value and helper."""
    return await shown_text(field(flow_form(page), label_text).first)


async def fill_field(page: Page, label_text: str, value: str) -> None:
    """Type `value` into the text or number field labelled `label_text`."""
    await field(flow_form(page), label_text).locator("input").first.fill(value)


async def choose(page: Page, label_text: str, option: str) -> None:
    """Pick `option` in the drop-down field labelled `label_text`."""
    # On its label: the middle of a field with a long help text is that text.
    await field(flow_form(page), label_text).first.get_by_text(label_text).first.click()
    await page.get_by_text(option, exact=True).first.click()


async def submit(page: Page, until: str) -> None:
    """Press the dialog's Submit button and wait until the dialog shows `until` (its answer)."""
    await dialog(page).get_by_role("button", name="Submit", exact=True).click()
    await expect(dialog(page)).to_contain_text(until)


async def finish(page: Page) -> None:
    """Press the dialog's Finish button; wait until it is closed and out of the history."""
    await dialog(page).get_by_role("button", name="Finish").click()
    # A closed dialog steps back over the history entry it added: a page opened before that
    # step would be left again (Page.goto: net::ERR_ABORTED).
    await page.wait_for_function("() => !history.state?.dialog")


async def stored_options(
    config_dir: Path, entry_id: str, until: Any = None, timeout: float = 15
) -> dict[str, Any]:
    """Return the entry's options as hass saved them (it writes its store about 1 s later).

    With `until`, wait for options that satisfy it.
    """
    path = config_dir / ".storage" / "core.config_entries"
    options: dict[str, Any] = {}
    async with asyncio.timeout(timeout):
        while True:
            entries = json.loads(path.read_text())["data"]["entries"]
            [entry] = [entry for entry in entries if entry["entry_id"] == entry_id]
            options = entry["options"]
            if until is None or until(options):
                return options
            await asyncio.sleep(0.2)
