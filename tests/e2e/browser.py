"""Use Home Assistant's UI through headless Chromium (browse.mjs, driven by playwright-core).

A `Browser` is one logged-in tab, kept open across commands: a test clicks, types and takes
screenshots in it as a user would. Targets are lists of steps, each narrowing the last (see
browse.mjs): `role("button", "Submit")`, `label("Password")`, `text("Balance")`, `css("ha-dialog")`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
import itertools
import json
import os
from pathlib import Path
from typing import Any

from .hass_config import HASS_TIME_ZONE

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("EIMS_CHROMIUM", "/usr/bin/chromium")

# Failure pictures of a whole run, numbered in the order they were taken.
_FAILURES = itertools.count(1)

type Step = dict[str, Any]
type Target = Sequence[Step]


class BrowserError(RuntimeError):
    """The page did not show what was waited for, or the browser failed."""


@dataclass(frozen=True, slots=True)
class PageVisit:
    """What the browser saw; `blocked` lists requests refused for leaving 127.0.0.1."""

    final_url: str
    title: str
    blocked: list[str]
    console_errors: list[str]


def role(name: str, accessible_name: str | None = None, *, exact: bool = False) -> Step:
    """Return a step: an element with an ARIA role (and accessible name)."""
    step: Step = {"role": name, "exact": exact}
    if accessible_name is not None:
        step["name"] = accessible_name
    return step


def label(text: str, *, exact: bool = False) -> Step:
    """Return a step: the form control labelled `text`."""
    return {"label": text, "exact": exact}


def text(content: str, *, exact: bool = False) -> Step:
    """Return a step: the element showing `content`."""
    return {"text": content, "exact": exact}


def css(
    selector: str, *, has_text: str | None = None, match_case: bool = False
) -> Step:
    """Return a step: elements matching a CSS selector (shadow roots included).

    `has_text` keeps those whose text contains it, in any case unless `match_case`.
    """
    step: Step = {"css": selector}
    if has_text is not None:
        step["hasText"] = has_text
        step["matchCase"] = match_case
    return step


class Browser:
    """One Chromium tab logged in to hass; every call waits up to the session's timeout."""

    def __init__(self, process: asyncio.subprocess.Process, screenshots: Path) -> None:
        """Wrap a started browse.mjs; failures are pictured under `screenshots`."""
        self._process = process
        self._screenshots = screenshots

    async def command(self, action: str, **fields: Any) -> Any:
        """Send one command; return its result, or raise `BrowserError` with a picture."""
        answer = await self._send({"action": action, **fields})
        if not answer["ok"]:
            path = self._screenshots / f"failure-{next(_FAILURES)}.png"
            await self._send({"action": "screenshot", "path": str(path)})
            status = (await self._send({"action": "status"}))["result"]
            raise BrowserError(
                f"{action} {fields.get('target', fields.get('url', ''))}: "
                f"{answer['error']}\nat {status['url']}, picture: {path}\n"
                f"console errors: {status['consoleErrors'][-5:]}"
            )
        return answer["result"]

    async def goto(self, url: str) -> str:
        """Open `url` and wait for its requests to settle; return where it ended."""
        final_url: str = await self.command("goto", url=url)
        return final_url

    async def click(self, *target: Step) -> None:
        """Click the first element of `target`."""
        await self.command("click", target=target)

    async def fill(self, value: str, *target: Step) -> None:
        """Replace the text of the field `target` with `value`."""
        await self.command("fill", target=target, value=value)

    async def type(self, value: str, *target: Step) -> None:
        """Type `value` key by key into `target` (an editor that `fill` cannot set)."""
        await self.command("type", target=target, value=value)

    async def press(self, key: str, *target: Step) -> None:
        """Press `key` in `target` (or the focused element)."""
        await self.command("press", key=key, target=target or None)

    async def scroll_to(self, *target: Step) -> None:
        """Scroll the first element of `target` into view (in a dialog, too)."""
        await self.command("scroll", target=target)

    async def wait(self, *target: Step, state: str = "visible") -> None:
        """Wait until the first element of `target` is in `state` (visible, hidden...)."""
        await self.command("wait", target=target, state=state)

    async def count(self, *target: Step) -> int:
        """Return how many elements `target` matches now."""
        found: int = await self.command("count", target=target)
        return found

    async def inner_text(self, *target: Step) -> str:
        """Return the text shown in the first element of `target`, one block a line."""
        content: str = await self.command("text", target=target)
        return content

    async def evaluate(self, expression: str, *target: Step, arg: Any = None) -> Any:
        """Return what the function `expression` returns for the first element of `target`."""
        return await self.command(
            "evaluate", target=target, expression=expression, arg=arg
        )

    async def value(self, *target: Step) -> str:
        """Return the value of the input `target`."""
        content: str = await self.command("value", target=target)
        return content

    async def settle(self, ms: int = 300) -> None:
        """Wait for the network to go quiet and animations to end."""
        await self.command("settle", ms=ms)

    async def resize(self, width: int, height: int) -> None:
        """Resize the viewport; a dialog grows with it (up to its own limit)."""
        await self.command("resize", width=width, height=height)

    async def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        """Save what the tab shows as a PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        await self.command("screenshot", path=str(path), fullPage=full_page)
        return path

    async def status(self) -> PageVisit:
        """Return where the tab is and what it has refused or logged as errors so far."""
        status = await self.command("status")
        return PageVisit(
            final_url=status["url"],
            title=status["title"],
            blocked=status["blocked"],
            console_errors=status["consoleErrors"],
        )

    async def _send(self, command: dict[str, Any]) -> dict[str, Any]:
        """Write one JSON line and read the answer line."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(json.dumps(command).encode() + b"\n")
        await self._process.stdin.drain()
        line = await self._process.stdout.readline()
        if not line:
            raise BrowserError(f"browse.mjs exited while running {command['action']}")
        answer: dict[str, Any] = json.loads(line)
        return answer


@asynccontextmanager
async def open_browser(
    browser_tokens: dict[str, Any],
    *,
    screenshots: Path,
    local_storage: Mapping[str, Any] | None = None,
    timeout: float = 30,
) -> AsyncIterator[Browser]:
    """Start Chromium logged in with `browser_tokens`; close it after the block.

    `local_storage` holds frontend settings ("dockedSidebar": "auto" folds the sidebar).
    """
    process = await asyncio.create_subprocess_exec(
        "node",
        str(HERE / "browse.mjs"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=HERE,
        limit=2**20,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    start = {
        "tokens": browser_tokens,
        "chromium": CHROMIUM,
        "localStorage": dict(local_storage or {}),
        "timeoutMs": int(timeout * 1000),
        # The frontend shows times in the browser's zone unless the profile says otherwise.
        "timezoneId": HASS_TIME_ZONE,
    }
    process.stdin.write(json.dumps(start).encode() + b"\n")
    try:
        async with asyncio.timeout(60):
            ready = await process.stdout.readline()
        if not ready:
            assert process.stderr is not None
            err = await process.stderr.read()
            raise BrowserError(
                f"browse.mjs did not start:\n{err.decode(errors='replace')[-4000:]}"
            )
        yield Browser(process, screenshots)
    finally:
        if process.returncode is None:
            process.stdin.close()
            try:
                async with asyncio.timeout(20):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()


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

    `full_page=False` keeps the picture to the 1280x900 viewport. The picture is taken also
    when waiting fails: it shows what the page got stuck on.
    """
    async with open_browser(
        browser_tokens,
        screenshots=path.parent,
        local_storage=local_storage,
        timeout=timeout,
    ) as browser:
        try:
            await browser.goto(url)
            for selector in wait_for_selectors:
                await browser.wait(css(selector))
            for content in wait_for_texts:
                await browser.wait(text(content))
            await browser.settle(0)
        finally:
            await browser.screenshot(path, full_page=full_page)
        return await browser.status()
