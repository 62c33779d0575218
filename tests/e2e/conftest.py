"""End-to-end fixtures: a real `hass` process and the gateway simulator, both on 127.0.0.1.

One Home Assistant serves the whole session (it takes seconds to start); each test gets its own
`hass_api` (aiohttp, on the test's event loop). Logs stay in the session's tmp dir.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
import os
from pathlib import Path
import re
import secrets
import sys
from typing import Any

import aiohttp
from playwright.async_api import Page
import pytest
import pytest_socket

from .browser import logged_in_page
from .hass_api import HassApi
from .hass_config import HASS_TIME_ZONE, REPO, prepare_config_dir
from .local_processes import LOOPBACK, free_port, start_logged, stop, wait_for_port
from .onboarding import Tokens, onboard_owner, wait_until_running, wait_until_serving

HERE = Path(__file__).parent
HASS_START_TIMEOUT = 180
# scripts/test-newest-ha points this at another release's `hass`; by default, this venv's.
HASS_COMMAND = (
    [hass]
    if (hass := os.environ.get("EIMS_E2E_HASS"))
    else [sys.executable, "-m", "homeassistant"]
)
SIMULATOR_ACCOUNT = "demo"
# Screenshots of every step; a second run (another Home Assistant version) can keep its own.
ARTIFACTS = Path(os.environ.get("EIMS_E2E_ARTIFACTS", REPO / "artifacts"))
# A failed test's Playwright trace and last picture, in a folder named for the test.
FAILURES = ARTIFACTS / "failures"
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@dataclass(frozen=True, slots=True)
class E2eStack:
    """The running servers of a session; hass logs to `config_dir`/home-assistant.log."""

    hass_url: str
    tokens: Tokens
    config_dir: Path
    simulator_url: str
    simulator_port: int
    simulator_account: str
    # Random, so a test can check it never shows up in a log.
    simulator_password: str = field(repr=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test, so its page fixture knows whether it failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this directory `e2e`, so `-m "not e2e"` leaves them out."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Replace the suite's autouse fixture: no in-process `hass` here, the real one is a process."""


@pytest.fixture(autouse=True)
def loopback_sockets(socket_enabled: None) -> None:
    """Let each test reach the servers (pytest-socket still refuses hosts other than 127.0.0.1)."""


@contextmanager
def _sockets_for_session_setup() -> Iterator[None]:
    """Open sockets while the session fixture starts the servers (function fixtures come later)."""
    pytest_socket.enable_socket()
    try:
        yield
    finally:
        pytest_socket.disable_socket(allow_unix_socket=True)


@pytest.fixture(scope="session")
def e2e_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2eStack]:
    """Start the simulator and an onboarded Home Assistant; stop both after the session."""
    base = tmp_path_factory.mktemp("e2e")
    config_dir = base / "config"
    simulator_log = base / "simulator.log"
    hass_output = base / "hass-output.log"
    simulator_password = secrets.token_urlsafe(12)
    processes = []
    try:
        with _sockets_for_session_setup():
            simulator_port, hass_port = free_port(), free_port()
            simulator = start_logged(
                [
                    *(sys.executable, "-m", "simulator", "--host", LOOPBACK),
                    *("--port", str(simulator_port)),
                    *("--account", SIMULATOR_ACCOUNT),
                    # "=": a random password may start with "-", read as an option otherwise.
                    f"--password={simulator_password}",
                ],
                simulator_log,
                cwd=REPO,
                # The gateway's clock in hass's zone, as the options' default assumes.
                env={"TZ": HASS_TIME_ZONE},
            )
            processes.append(simulator)
            prepare_config_dir(config_dir, hass_port)
            hass = start_logged(
                [
                    *HASS_COMMAND,
                    *("--config", str(config_dir), "--skip-pip"),
                ],
                hass_output,
                cwd=base,
                # The integration's debug lines too: a test checks no secret is in the log.
                env={"EIMS_LOG_LEVEL": "debug"},
            )
            processes.append(hass)
            wait_for_port(simulator_port, simulator, simulator_log, 30)
            wait_for_port(hass_port, hass, hass_output, HASS_START_TIMEOUT)
            hass_url = f"http://{LOOPBACK}:{hass_port}"
            wait_until_serving(hass_url, HASS_START_TIMEOUT)
            tokens = onboard_owner(
                hass_url,
                name="E2E Owner",
                username="e2e",
                password=secrets.token_urlsafe(16),
            )
            wait_until_running(hass_url, tokens, HASS_START_TIMEOUT)
        yield E2eStack(
            hass_url=hass_url,
            tokens=tokens,
            config_dir=config_dir,
            simulator_url=f"http://{LOOPBACK}:{simulator_port}",
            simulator_port=simulator_port,
            simulator_account=SIMULATOR_ACCOUNT,
            simulator_password=simulator_password,
        )
    finally:
        for process in reversed(processes):
            stop(process)


@pytest.fixture
async def hass_api(e2e_stack: E2eStack) -> AsyncIterator[HassApi]:
    """REST and websocket access to hass as its owner, and to the simulator."""
    async with aiohttp.ClientSession() as session:
        api = HassApi(
            session,
            hass_url=e2e_stack.hass_url,
            access_token=e2e_stack.tokens.access_token,
            simulator_url=e2e_stack.simulator_url,
        )
        try:
            yield api
        finally:
            await api.close()


@pytest.fixture
def frontend_settings() -> dict[str, Any]:
    """Frontend settings the page starts with (localStorage); a module overrides this."""
    return {}


@pytest.fixture
def refused_requests() -> list[str]:
    """The URLs the page asked for beyond 127.0.0.1 (all refused)."""
    return []


@pytest.fixture
async def page(
    request: pytest.FixtureRequest,
    e2e_stack: E2eStack,
    frontend_settings: dict[str, Any],
    refused_requests: list[str],
) -> AsyncIterator[Page]:
    """A Chromium tab logged in as the owner, traced: a failed test leaves its trace and picture."""
    async with logged_in_page(
        e2e_stack.tokens.for_browser(e2e_stack.hass_url),
        settings=frontend_settings,
        refused=refused_requests,
    ) as page:
        await page.context.tracing.start(screenshots=True, snapshots=True)
        try:
            yield page
        finally:
            reports = request.node.stash.get(_REPORTS, {}).values()
            if any(report.failed for report in reports):
                folder = FAILURES / re.sub(r"[^\w.-]+", "-", request.node.nodeid)
                try:
                    await page.screenshot(path=folder / "failure.png", full_page=True)
                finally:
                    await page.context.tracing.stop(path=folder / "trace.zip")
                # The viewer is served on 127.0.0.1 for any browser to open.
                sys.stderr.write(
                    f"Playwright trace: .venv/bin/playwright show-trace --host 127.0.0.1"
                    f" --port 9323 {folder / 'trace.zip'}\n"
                )
            else:
                await page.context.tracing.stop()
