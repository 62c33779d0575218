"""Every UI path the README gives ("Settings → Tools → Actions") is followed in the real frontend.

The paths are read from README.md, so a renamed menu fails here, not a reader: each label but the
last is clicked as a user would, and the last one must be on screen.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.async_api import Locator, Page, expect
import pytest

from .conftest import E2eStack
from .gateway_entry import add_entry, remove_entries
from .hass_api import HassApi
from .hass_config import REPO

ARROW = " → "
# A label: sentence-case words ("Devices & services"), or ⋮ and what says whose ("⋮ next to the
# account"); bold or not. A path is two or more, joined by arrows.
_LABEL = r"(?:\*\*)?(?:⋮(?: [a-z]+)*|[A-Z]\w*(?: (?:&|\w+))*)(?:\*\*)?"
_PATH = re.compile(rf"{_LABEL}(?:{ARROW}{_LABEL})+")
# HACS is a separate download, not part of Home Assistant: its path cannot be followed here.
NOT_HOME_ASSISTANT = "HACS"
# What README.md gives today, in order: the parser is checked against it, so a path written in
# a way the parser misses fails too.
EXPECTED = [
    "Settings → Devices & services → EIMS SMS Gateway",
    "Settings → Tools → Actions",
    "HACS → ⋮ → Custom repositories",
    "Settings → System → Home information",
    "Settings → Devices & services → Add integration → EIMS SMS Gateway",
    "Settings → Devices & services → EIMS SMS Gateway → ⋮ → Reconfigure",
    "Settings → Devices & services → EIMS SMS Gateway → Configure",
    "Settings → System → Repairs",
    "Settings → Devices & services → EIMS SMS Gateway → Add recipient",
    "Settings → System → Home information",
    "Settings → Tools → Actions",
    "Settings → Tools → Actions",
    "Settings → Devices & services → EIMS SMS Gateway → ⋮ → Copy entry ID",
    "Settings → Tools → Actions",
    "Settings → Devices & services → EIMS SMS Gateway → Configure",
    "Settings → Voice assistants → Expose",
    "Settings → Devices & services → EIMS SMS Gateway → ⋮ → Delete",
]
# A label that opens a picker with a search field: the next label is typed into it first.
PICKERS = {"Add integration": "dialog-add-integration"}


def readme_paths() -> list[str]:
    """Return every UI path in README.md, in order, each label as the frontend shows it."""
    # A path may wrap onto the next line of its paragraph.
    text = re.sub(r"(?<!\n)\n(?!\n)", " ", (REPO / "README.md").read_text())
    return [
        ARROW.join(
            "⋮" if label.startswith("⋮") else label.strip("*")
            for label in path.split(ARROW)
        )
        for path in _PATH.findall(text)
    ]


def test_readme_paths_are_read_whole() -> None:
    """The parser finds each path the README gives, label by label, and nothing else."""
    assert readme_paths() == EXPECTED


@pytest.mark.parametrize(
    "path",
    sorted({p for p in readme_paths() if not p.startswith(NOT_HOME_ASSISTANT)}),
)
async def test_readme_path_exists_in_the_frontend(
    hass_api: HassApi, e2e_stack: E2eStack, page: Page, path: str
) -> None:
    """From the sidebar, each label of the path is clicked in turn; the last one is shown."""
    await remove_entries(hass_api)
    await add_entry(hass_api, e2e_stack)
    first, *steps, last = path.split(ARROW)
    await page.goto(hass_api.hass_url)
    # The frontend moves "/" to the default dashboard (a redirect that would undo a click made
    # before it): the sidebar is used once that dashboard is shown.
    await page.wait_for_url(lambda url: urlsplit(url).path != "/")
    await expect(page.locator("hui-view").first).to_be_visible()
    await page.locator("ha-sidebar").get_by_text(first, exact=True).click()
    picker = None
    for label in steps:
        await (await _find(page, label, picker)).click()
        picker = PICKERS.get(label)
    await expect(await _find(page, last, picker)).to_be_visible()


async def _find(page: Page, label: str, picker: str | None) -> Locator:
    """Return what a user clicks for `label` on the page as it is now (typed into `picker`)."""
    if label == "⋮":
        # The menu of the account's row, not the page's own.
        return (
            page.locator("ha-config-entry-row").get_by_role("button", name="Menu").first
        )
    scope = page.locator(picker) if picker else page.locator("body")
    if picker:
        await scope.locator("input").first.fill(label)
    return (
        scope.get_by_text(label, exact=True)
        .or_(scope.get_by_role("button", name=label, exact=True))
        .or_(scope.get_by_role("menuitem", name=label, exact=True))
        .or_(scope.get_by_role("tab", name=label, exact=True))
        .filter(visible=True)
        .first
    )
