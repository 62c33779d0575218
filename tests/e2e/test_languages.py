"""The integration in the user's language, in the real frontend: German and Chinese options."""

from __future__ import annotations

import json

import pytest

from .browser import open_browser, role, text
from .conftest import ARTIFACTS, E2eStack
from .frontend import DIALOG, dialog_text, open_integration_page, wait_for_form
from .gateway_entry import add_entry, remove_entries
from .hass_api import HassApi
from .hass_config import REPO

TRANSLATIONS = REPO / "custom_components" / "eims" / "translations"
# The frontend's own word for the integration page's Configure button.
CONFIGURE = {"de": "Konfigurieren", "zh-Hans": "配置"}
# The trusted numbers' add button: the frontend's "Add {item}" around the field's label.
ADD_TRUSTED_NUMBER = {
    "de": "Vertrauenswürdige Nummer hinzufügen",
    "zh-Hans": "添加受信任的号码",
}


@pytest.mark.parametrize("language", CONFIGURE)
async def test_options_dialog_speaks_the_users_language(
    hass_api: HassApi, e2e_stack: E2eStack, language: str
) -> None:
    """With the profile's language set, Configure shows our translation, every text rendered."""
    init = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))[
        "options"
    ]["step"]["init"]
    await remove_entries(hass_api)
    await add_entry(hass_api, e2e_stack)
    async with open_browser(
        e2e_stack.tokens.for_browser(e2e_stack.hass_url),
        screenshots=ARTIFACTS / "failures",
        local_storage={"selectedLanguage": language},
    ) as browser:
        await open_integration_page(browser, e2e_stack.hass_url)
        await browser.click(role("button", CONFIGURE[language]))
        await wait_for_form(browser, init["title"])
        await browser.click(DIALOG, text(init["sections"]["assist"]["name"]))
        add_trusted_number = role("button", ADD_TRUSTED_NUMBER[language], exact=True)
        await browser.wait(DIALOG, add_trusted_number)
        await browser.scroll_to(DIALOG, add_trusted_number)
        shown = await dialog_text(browser)
        await browser.screenshot(ARTIFACTS / f"options-{language}.png")
    for label in (*init["data"].values(), init["sections"]["assist"]["name"]):
        assert label in shown, (label, shown)
    assert "Translation error" not in shown
    assert init["description"].split("{webhook_url}")[0].strip() in shown
