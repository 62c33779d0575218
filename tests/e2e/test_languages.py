"""The integration in the user's language, in the real frontend: the options in every language."""

from __future__ import annotations

import json
from typing import Any

from playwright.async_api import Page, expect
import pytest

from .browser import picture
from .conftest import ARTIFACTS, E2eStack
from .frontend import dialog, dialog_text, open_integration_page, wait_for_form
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


@pytest.fixture
def frontend_settings(language: str) -> dict[str, Any]:
    """The profile's language, as the frontend keeps it."""
    return {"selectedLanguage": language}


@pytest.mark.parametrize("language", CONFIGURE)
async def test_options_dialog_speaks_the_users_language(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page, language: str
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
    await open_integration_page(page, e2e_stack.hass_url)
    await page.get_by_role("button", name=CONFIGURE[language]).click()
    await wait_for_form(page, init["title"])
    await dialog(page).get_by_text(init["sections"]["assist"]["name"]).first.click()
    assist = init["sections"]["assist"]["data"]
    add_trusted_number = dialog(page).get_by_role(
        "button",
        name=ADD_ITEM[language].format(item=assist["trusted_numbers"]),
        exact=True,
    )
    await expect(add_trusted_number).to_be_visible()
    await add_trusted_number.scroll_into_view_if_needed()
    shown = await dialog_text(page)
    await picture(page, ARTIFACTS / f"options-{language}.png")
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
