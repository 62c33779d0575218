"""What Home Assistant asks after the balance currency changes, as the README tells it.

The options form and the README say which repair follows a change of currency and what to
press in it. These tests pin Home Assistant's side: an update that changes which repairs the
recorder raises fails here, not in a user's install.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.eims.const import CONF_CURRENCY, CONF_GATEWAY_TIME_ZONE

# The two buttons the README names: "Delete all old statistic data for this entity" and
# "Update the unit of the historic statistic values from … to …, without converting".
CLEAR = "delete"
UPDATE = "update"
BALANCES = ("sensor.demo_127_0_0_1_balance", "sensor.demo_127_0_0_1_gift_balance")


@pytest.fixture
def recorder_db_url(tmp_path: Path) -> str:
    """A database of the test's own."""
    return f"sqlite:///{tmp_path / 'recorder.db'}"


async def _statistics_issues(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> set[tuple[str, str]]:
    """Ask the recorder to check the statistics, as the Repairs page does; return its issues."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "recorder/update_statistics_issues"})
    assert (await client.receive_json())["success"]
    await hass.async_block_till_done()
    return {
        (issue.translation_key or "", issue.data["statistic_id"])
        for issue in ir.async_get(hass).issues.values()
        if issue.domain == "sensor" and issue.data
    }


async def _fix(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, fix: str, unit: str | None
) -> None:
    """Press a repair's button: what the frontend sends for it."""
    client = await hass_ws_client(hass)
    for entity_id in BALANCES:
        if fix == CLEAR:
            command = {
                "type": "recorder/clear_statistics",
                "statistic_ids": [entity_id],
            }
        else:
            command = {
                "type": "recorder/update_statistics_metadata",
                "statistic_id": entity_id,
                "unit_class": None,
                "unit_of_measurement": unit,
            }
        await client.send_json_auto_id(command)
        assert (await client.receive_json())["success"]
    await async_wait_recording_done(hass)


@pytest.mark.parametrize(
    ("before", "after", "repairs", "fix"),
    [
        ("none", "EUR", {"units_changed", "mean_type_changed"}, CLEAR),
        ("EUR", "USD", {"units_changed"}, UPDATE),
        ("EUR", "USD", {"units_changed"}, CLEAR),
        ("EUR", "none", {"units_changed", "mean_type_changed"}, CLEAR),
    ],
)
async def test_a_currency_change_leaves_the_repairs_the_readme_names(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    sim_entry: MockConfigEntry,
    before: str,
    after: str,
    repairs: set[str],
    fix: str,
) -> None:
    """Each balance sensor gets the repairs the README explains; the button it names clears them."""
    options = {CONF_CURRENCY: before, CONF_GATEWAY_TIME_ZONE: "UTC"}
    sim_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(sim_entry, options=options)
    assert await hass.config_entries.async_setup(sim_entry.entry_id)
    await hass.async_block_till_done()
    for entity_id in BALANCES:
        assert hass.states.get(entity_id).state not in ("unknown", "unavailable")
    await async_wait_recording_done(hass)
    now = dt_util.utcnow()
    period = now - timedelta(
        minutes=now.minute % 5, seconds=now.second, microseconds=now.microsecond
    )
    do_adhoc_statistics(hass, start=period)
    await async_wait_recording_done(hass)
    assert await _statistics_issues(hass, hass_ws_client) == set()

    hass.config_entries.async_update_entry(
        sim_entry, options=options | {CONF_CURRENCY: after}
    )
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    for entity_id in BALANCES:
        unit = hass.states.get(entity_id).attributes.get("unit_of_measurement")
        assert unit == (None if after == "none" else after)

    assert await _statistics_issues(hass, hass_ws_client) == {
        (repair, entity_id) for repair in repairs for entity_id in BALANCES
    }
    await _fix(hass, hass_ws_client, fix, None if after == "none" else after)
    assert await _statistics_issues(hass, hass_ws_client) == set()
