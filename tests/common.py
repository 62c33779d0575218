"""Helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant, ServiceResponse
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.eims.const import DOMAIN, UPDATE_INTERVAL
from simulator.testing import RunningSimulator

type ActionCall = Callable[..., Awaitable[ServiceResponse]]


async def async_set_up_account(
    hass: HomeAssistant,
    base: MockConfigEntry,
    *,
    subentries: Iterable[ConfigSubentryData] = (),
    options: dict[str, Any] | None = None,
) -> MockConfigEntry:
    """Set up a copy of `base` (not yet added) with subentries and options."""
    entry = MockConfigEntry(
        domain=base.domain,
        title=base.title,
        unique_id=base.unique_id,
        data=dict(base.data),
        options=options or {},
        subentries_data=list(subentries),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def requests_to(simulator: RunningSimulator, endpoint: str) -> int:
    """Count the requests the gateway received for an endpoint."""
    return sum(record.endpoint == endpoint for record in simulator.state.requests)


async def async_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    interval: timedelta = UPDATE_INTERVAL,
) -> None:
    """Let `interval` pass: the polls due run, and whatever they start finishes."""
    # A poll still running (one a send asked for) schedules the next only when it ends.
    await hass.async_block_till_done(wait_background_tasks=True)
    # One second more: a coordinator schedules its refresh at a random fraction of a second
    # past the interval, so a tick of exactly the interval may fall short of it.
    freezer.tick(interval + timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def action_caller(
    hass: HomeAssistant, entry: MockConfigEntry, action: str
) -> ActionCall:
    """Return a function calling `eims.<action>` on `entry`, returning its response."""

    async def call(**data: Any) -> ServiceResponse:
        return await hass.services.async_call(
            DOMAIN,
            action,
            {"config_entry_id": entry.entry_id, **data},
            blocking=True,
            return_response=True,
        )

    return call


async def async_set_up_impatient(
    hass: HomeAssistant, entry: MockConfigEntry, timeout: float
) -> None:
    """Set `entry` up with a client that waits `timeout` seconds for any reply."""
    with patch("custom_components.eims.connection.REQUEST_TIMEOUT", timeout):
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
