"""The conversations card is served and loaded by the integration itself."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from homeassistant.components.onboarding import STORAGE_KEY, STORAGE_VERSION
from homeassistant.components.onboarding.const import STEPS
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims.card import CARD_DIR, card_version
from custom_components.eims.const import DOMAIN

LOADER = "/eims/frontend/eims-conversations-card.js"


async def test_every_page_loads_the_card(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    hass_storage: dict[str, Any],
) -> None:
    """The frontend's page imports the card's module, which is served before anyone logs in."""
    # Onboarded: the page is the app's, not the onboarding's.
    hass_storage[STORAGE_KEY] = {"version": STORAGE_VERSION, "data": {"done": STEPS}}
    assert await async_setup_component(hass, DOMAIN, {})
    client = await hass_client_no_auth()

    page = await (await client.get("/")).text()
    url = f"{LOADER}?v={card_version()}"
    assert f'import("{url}")' in page

    for path in (url, "/eims/frontend/eims-conversations.js?v=0"):
        response = await client.get(path)
        assert response.status == 200, path
        assert response.content_type == "text/javascript"
        assert response.headers["Cache-Control"] == "public, max-age=2678400"
        assert (
            await response.text()
            == (CARD_DIR / Path(path).name.split("?")[0]).read_text()
        )


async def test_nothing_else_is_served(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """Only the card's own directory is published."""
    assert await async_setup_component(hass, DOMAIN, {})
    client = await hass_client_no_auth()
    for path in ("/eims/frontend/../manifest.json", "/eims/card.py", "/eims/frontend/"):
        assert (await client.get(path)).status in (403, 404), path


def test_version_follows_the_files(tmp_path: Path) -> None:
    """A change to either module gives the page a URL no browser has cached."""
    copy = tmp_path / "frontend"
    shutil.copytree(CARD_DIR, copy)
    assert card_version(copy) == card_version()
    for module in sorted(copy.glob("*.js")):
        before = card_version(copy)
        module.write_text(module.read_text() + "\n")
        assert card_version(copy) != before
