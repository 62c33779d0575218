"""The integration in the user's language, in the real frontend: the options in every language."""

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
CONFIGURE = {
    "de": "Konfigurieren",
    "nl": "Configureer",
    "fr": "Configurer",
    "es": "Configurar",
    "zh-Hans": "配置",
}
# The frontend's "Add {item}" (multi-textfield.add_item), around a multiple field's label.
ADD_ITEM = {
    "de": "{item} hinzufügen",
    "nl": "Voeg {item} toe",
    "fr": "Ajouter {item}",
    "es": "Añadir {item}",
    "zh-Hans": "添加{item}",
}


@pytest.mark.parametrize("language", CONFIGURE)
async def test_options_dialog_speaks_the_users_language(
    hass_api: HassApi, e2e_stack: E2eStack, language: str
) -> None:
    """With the profile's language set, Configure shows our translation, every text rendered.

    The labels are read from the page (its DOM), not only pictured: a picture of boxes would
    also be a picture of the right text in a missing font.
    """
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
        assist = init["sections"]["assist"]["data"]
        add_trusted_number = role(
            "button",
            ADD_ITEM[language].format(item=assist["trusted_numbers"]),
            exact=True,
        )
        await browser.wait(DIALOG, add_trusted_number)
        await browser.scroll_to(DIALOG, add_trusted_number)
        shown = await dialog_text(browser)
        await browser.screenshot(ARTIFACTS / f"options-{language}.png")
    for label in (
        *init["data"].values(),
        init["sections"]["assist"]["name"],
        *assist.values(),
    ):
        assert label in shown, (label, shown)
    assert "Translation error" not in shown
    # The page's text has its blanks collapsed, French's no-break space before ":" too.
    assert _blanks_collapsed(init["description"].split("{webhook_url}")[0]) in shown


def _blanks_collapsed(text: str) -> str:
    """Return `text` with each run of blanks (no-break spaces too) as one space, trimmed."""
    return " ".join(text.split())
