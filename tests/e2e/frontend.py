"""Steps a user takes in Home Assistant's frontend: open dialogs, fill forms, submit them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from .browser import Browser, Step, css, role, text
from .gateway_entry import DOMAIN

INTEGRATION_PAGE = f"/config/integrations/integration/{DOMAIN}"
DIALOG = css("dialog-data-entry-flow")
# The form of the flow step the dialog shows now; its `data` is what Submit sends.
FLOW_FORM = css("step-flow-form ha-form")


def field(label_text: str) -> Step:
    """Return a step: the form field (a selector) labelled `label_text` (case matters)."""
    return css("ha-selector", has_text=label_text, match_case=True)


async def open_integration_page(browser: Browser, hass_url: str) -> None:
    """Open Settings > Devices & services > EIMS SMS Gateway."""
    await browser.goto(f"{hass_url}{INTEGRATION_PAGE}")
    await browser.wait(text("EIMS SMS Gateway"))


async def open_add_recipient(browser: Browser, hass_url: str, name: str) -> None:
    """Open Add recipient on the integration's page, give the name, open the first number field."""
    await open_integration_page(browser, hass_url)
    await browser.click(role("button", "Add recipient"))
    await wait_for_form(browser, "Add an SMS recipient")
    await fill_field(browser, "Name", name)
    # A multiple text field starts empty: its button adds the first input.
    await browser.click(FLOW_FORM, role("button", "Add Phone number", exact=True))


async def wait_for_form(browser: Browser, title: str) -> None:
    """Wait until the dialog shows the form titled `title`, its fields drawn."""
    await browser.wait(DIALOG, text(title))
    await browser.wait(FLOW_FORM)
    await browser.settle()


async def form_data(browser: Browser) -> dict[str, Any]:
    """Return what the dialog's form would submit now."""
    data: dict[str, Any] = await browser.evaluate("form => form.data", FLOW_FORM)
    return data


async def dialog_text(browser: Browser) -> str:
    """Return the text the dialog shows, one block a line."""
    return await browser.inner_text(DIALOG)


async def field_text(browser: Browser, label_text: str) -> str:
    """Return what the field labelled `label_text` shows: its label, value and helper."""
    return await browser.inner_text(FLOW_FORM, field(label_text))


async def fill_field(browser: Browser, label_text: str, value: str) -> None:
    """Type `value` into the text or number field labelled `label_text`."""
    await browser.fill(value, FLOW_FORM, field(label_text), css("input"))


async def choose(browser: Browser, label_text: str, option: str) -> None:
    """Pick `option` in the drop-down field labelled `label_text`."""
    await browser.click(FLOW_FORM, field(label_text))
    await browser.click(text(option, exact=True))
    await browser.settle()


async def submit(browser: Browser, button: str = "Submit") -> None:
    """Press the dialog's submit button and wait for the answer to be drawn."""
    await browser.click(DIALOG, role("button", button, exact=True))
    await browser.settle(500)


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
