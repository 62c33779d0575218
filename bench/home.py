"""A Home Assistant instance in this process, with EIMS entries for the simulator's account."""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
import socket
import tempfile
from typing import Any
import uuid

from homeassistant import loader
from homeassistant.components.http.config import async_get_and_load_store
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    EVENT_HOMEASSISTANT_START,
)
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.eims.const import CONF_ACCOUNT, DOMAIN
from custom_components.eims.entry import EimsConfigEntry
from custom_components.eims.runtime import EimsRuntimeData

REPO = Path(__file__).resolve().parent.parent
# Manual refreshes only: the coordinator's own timer must not add requests to a measurement.
NEVER = timedelta(days=365)


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class Home:
    """A running Home Assistant and the 127.0.0.1 port its HTTP server listens on."""

    hass: HomeAssistant
    http_port: int

    def webhook_url(self, entry: EimsConfigEntry) -> str:
        """Return the URL the gateway pushes an entry's reports to."""
        return f"http://127.0.0.1:{self.http_port}/api/webhook/{entry.data[CONF_WEBHOOK_ID]}"


@contextlib.asynccontextmanager
async def running_home() -> AsyncIterator[Home]:
    """Yield a running Home Assistant (config in a temp dir, HTTP on 127.0.0.1 only)."""
    with tempfile.TemporaryDirectory(prefix="eims-bench-") as config_dir:
        (Path(config_dir) / "custom_components").symlink_to(REPO / "custom_components")
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            # Let the loader find custom integrations (the test helper hides them).
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
            hass.config.country = "CN"
            port = free_port()
            http = {"server_host": ["127.0.0.1"], "server_port": port}
            if not await async_setup_component(hass, "http", {"http": http}):
                raise RuntimeError("the HTTP server did not set up")
            # Confirmed as a user confirms a new address: unconfirmed, HTTP reverts to its
            # last confirmed config after 5 minutes, which a run on a busy machine reaches.
            http_store = await async_get_and_load_store(hass)
            if http_store.pending is not None:
                await http_store.async_promote_pending()
            # The helper marks hass running without the start event the server waits for.
            hass.bus.async_fire(EVENT_HOMEASSISTANT_START)
            await hass.async_block_till_done()
            try:
                yield Home(hass, port)
            finally:
                await hass.async_stop(force=True)


def add_demo_entry(hass: HomeAssistant, port: int, **options: Any) -> EimsConfigEntry:
    """Add (not set up) an entry for the simulator's demo account."""
    mock_entry = MockConfigEntry(
        domain=DOMAIN,
        title="demo @ 127.0.0.1",
        unique_id=f"127.0.0.1:{port}:demo:{uuid.uuid4().hex}",
        data={
            CONF_HOST: "127.0.0.1",
            CONF_PORT: port,
            CONF_SSL: False,
            CONF_VERIFY_SSL: True,
            CONF_ACCOUNT: "demo",
            CONF_PASSWORD: "demo",
            CONF_WEBHOOK_ID: uuid.uuid4().hex,
        },
        options=options,
    )
    mock_entry.add_to_hass(hass)
    entry: EimsConfigEntry = mock_entry
    return entry


async def async_add_entry(
    hass: HomeAssistant, port: int, **options: Any
) -> EimsConfigEntry:
    """Set up an entry for the simulator's demo account; its coordinator only refreshes on demand."""
    entry = add_demo_entry(hass, port, **options)
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError(f"the EIMS entry did not set up: {entry.state}")
    await hass.async_block_till_done()
    runtime = runtime_of(entry)
    for coordinator in (runtime.messages, runtime.balance):
        coordinator.update_interval = NEVER
        # A refresh reschedules the timer with the new interval.
        await coordinator.async_refresh()
    return entry


def runtime_of(entry: EimsConfigEntry) -> EimsRuntimeData:
    """Return what the entry holds: its coordinators, tracker and inbox."""
    return entry.runtime_data


async def async_remove_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> None:
    """Unload and remove an entry (its trackers and stores go with it)."""
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
