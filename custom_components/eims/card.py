"""The conversations card: served and loaded by the integration, no dashboard resource to add."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http import StaticPathConfig
from homeassistant.core import HomeAssistant

CARD_DIR: Final = Path(__file__).parent / "frontend"
CARD_URL: Final = "/eims/frontend"
# The part every page loads: it registers the card; the rest is imported where a card is shown.
CARD_LOADER: Final = "eims-conversations-card.js"


def card_version(directory: Path = CARD_DIR) -> str:
    """Return a short hash of the card's files: a new release gets a URL no browser has cached."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.js")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


async def async_register_card(hass: HomeAssistant) -> None:
    """Serve the card's files and have every frontend page load its registration module."""
    version = await hass.async_add_executor_job(card_version)
    # Cached for long: the version in the URL changes with the files.
    await hass.http.async_register_static_paths(
        [StaticPathConfig(CARD_URL, str(CARD_DIR), cache_headers=True)]
    )
    add_extra_js_url(hass, f"{CARD_URL}/{CARD_LOADER}?v={version}")
