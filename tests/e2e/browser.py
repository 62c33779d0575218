"""Home Assistant's frontend in Debian's headless Chromium, driven by Playwright's async API.

`logged_in_page` opens one tab logged in as a user; tests find what a user sees with Playwright's
locators (`page.get_by_role("button", name="Submit")`), which pierce the frontend's open shadow
roots and wait for what they act on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
import json
import os
from pathlib import Path
import re
from typing import Any

from playwright.async_api import Locator, Page, Route, async_playwright, expect

from .hass_config import HASS_TIME_ZONE

# Playwright's own browser download is not reachable here: the distribution's Chromium is driven.
CHROMIUM = os.environ.get("EIMS_CHROMIUM", "/usr/bin/chromium")
LOOPBACK = re.compile(r"^(https?|wss?)://127\.0\.0\.1(:\d+)?/")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Names never resolve: only the literal loopback address is reachable.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
TIMEOUT_MS = 30_000
# The first visit loads the whole frontend, on a machine shared with other test runs.
NAVIGATION_TIMEOUT_MS = 60_000
expect.set_options(timeout=TIMEOUT_MS)

# The text a user sees in an element, its shadow roots and slots included, one block a line
# (Playwright's inner_text stops at shadow roots, where the frontend keeps a form's values).
_SHOWN_TEXT = """element => {
  const BLOCK = /^(block|flex|grid|list-item|table)/;
  function walk(node) {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE) return "";
    if (["STYLE", "SCRIPT", "TEMPLATE"].includes(node.tagName)) return "";
    const style = getComputedStyle(node);
    if (style.display === "none" || style.visibility === "hidden") return "";
    const inner = node.tagName === "SLOT"
      ? node.assignedNodes({ flatten: true })
      : (node.shadowRoot ?? node).childNodes;
    let content = [...inner].map(walk).join("");
    if (["INPUT", "TEXTAREA"].includes(node.tagName) && node.type !== "hidden") {
      content += ` ${node.value} `;
    }
    return BLOCK.test(style.display) ? `\\n${content}\\n` : content;
  }
  return walk(element)
    .split("\\n")
    .map((line) => line.replace(/\\s+/g, " ").trim())
    .filter(Boolean)
    .join("\\n");
}"""

# The frontend reads its login from localStorage before it asks anyone; its other settings
# (the sidebar's, the language) are kept there too, JSON-encoded.
_LOCAL_STORAGE = """({ tokens, settings }) => {
  if (window.location.origin === tokens.hassUrl) {
    window.localStorage.setItem("hassTokens", JSON.stringify(tokens));
    for (const [key, value] of Object.entries(settings)) {
      window.localStorage.setItem(key, JSON.stringify(value));
    }
  }
}"""


@asynccontextmanager
async def logged_in_page(
    browser_tokens: dict[str, Any],
    *,
    settings: Mapping[str, Any],
    refused: list[str],
) -> AsyncIterator[Page]:
    """Start Chromium with one tab logged in with `browser_tokens`; close it after the block.

    `settings` are frontend settings in localStorage ("dockedSidebar": "auto" folds the sidebar).
    Every request not to 127.0.0.1 is refused and its URL appended to `refused`.
    """
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = await browser.new_context(
                viewport={"width": 1280, "height": 900},
                locale="en-GB",
                # The frontend shows times in the browser's zone unless the profile says otherwise.
                timezone_id=HASS_TIME_ZONE,
            )
            context.set_default_timeout(TIMEOUT_MS)
            context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)

            async def loopback_only(route: Route) -> None:
                url = route.request.url
                if LOOPBACK.match(url) or url.startswith(("data:", "blob:")):
                    await route.continue_()
                else:
                    refused.append(url)
                    await route.abort()

            await context.route("**/*", loopback_only)
            # JSON is a JavaScript literal: the script gets its argument written in.
            start = json.dumps({"tokens": browser_tokens, "settings": dict(settings)})
            await context.add_init_script(f"({_LOCAL_STORAGE})({start})")
            yield await context.new_page()
        finally:
            await browser.close()


async def shown_text(locator: Locator) -> str:
    """Return the text shown in `locator`'s element, shadow roots included, one block a line."""
    content: str = await locator.evaluate(_SHOWN_TEXT)
    return content


async def picture(page: Page, path: Path, *, full_page: bool = False) -> Path:
    """Save what the tab shows as a PNG, animations run to their end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=path, full_page=full_page, animations="disabled")
    return path
