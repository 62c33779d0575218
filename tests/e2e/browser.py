"""Look at Home Assistant's UI through headless Chromium (browse.mjs, driven by playwright-core)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
import json
import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("EIMS_CHROMIUM", "/usr/bin/chromium")


class BrowserError(RuntimeError):
    """The page did not show what was waited for, or the browser failed."""


@dataclass(frozen=True, slots=True)
class PageVisit:
    """What the browser saw; `blocked` lists requests refused for leaving 127.0.0.1."""

    final_url: str
    title: str
    blocked: list[str]
    console_errors: list[str]


async def screenshot(
    url: str,
    browser_tokens: dict[str, Any],
    path: Path,
    *,
    wait_for_selectors: Sequence[str] = (),
    wait_for_texts: Sequence[str] = (),
    local_storage: Mapping[str, Any] | None = None,
    full_page: bool = True,
    timeout: float = 60,
) -> PageVisit:
    """Open `url` logged in with `browser_tokens`, wait for the page, save a PNG.

    `local_storage` holds frontend settings ("dockedSidebar": "auto" folds the sidebar);
    `full_page=False` keeps the picture to the 1280x900 viewport.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    request = {
        "url": url,
        "tokens": browser_tokens,
        "chromium": CHROMIUM,
        "screenshot": str(path),
        "waitForSelectors": list(wait_for_selectors),
        "waitForTexts": list(wait_for_texts),
        "localStorage": dict(local_storage or {}),
        "fullPage": full_page,
        "timeoutMs": int(timeout * 1000),
    }
    process = await asyncio.create_subprocess_exec(
        "node",
        str(HERE / "browse.mjs"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=HERE,
    )
    async with asyncio.timeout(timeout * 3):
        out, err = await process.communicate(json.dumps(request).encode())
    if process.returncode:
        raise BrowserError(
            f"browse.mjs exited with {process.returncode} (screenshot: {path}):\n"
            f"{err.decode(errors='replace')[-4000:]}"
        )
    visit = json.loads(out)
    return PageVisit(
        final_url=visit["finalUrl"],
        title=visit["title"],
        blocked=visit["blocked"],
        console_errors=visit["consoleErrors"],
    )
