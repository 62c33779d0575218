"""Helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry


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
