"""What 1,000 delivery reports leave in the recorder's database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from sqlalchemy import text

from custom_components.eims.api import PushedReport
from simulator.testing import RunningSimulator

LAST_STATUS = "sensor.demo_127_0_0_1_last_delivery_status"
REPORTS = 1000


@pytest.fixture
def recorder_db_url(tmp_path: Path) -> str:
    """A database on disk, so its size can be read."""
    return f"sqlite:///{tmp_path / 'recorder.db'}"


def _attribute_rows(session: object, entity_id: str) -> list[str]:
    """Return the distinct attribute rows the recorder keeps for an entity."""
    rows = session.execute(  # type: ignore[attr-defined]
        text(
            "SELECT DISTINCT a.shared_attrs FROM states s"
            " JOIN states_meta m ON s.metadata_id = m.metadata_id"
            " JOIN state_attributes a ON s.attributes_id = a.attributes_id"
            " WHERE m.entity_id = :entity_id"
        ),
        {"entity_id": entity_id},
    )
    return [row[0] for row in rows]


async def test_reports_add_no_attribute_rows(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """Each report changes the last status, but its per-message details are not recorded."""
    runtime = init_sim_entry.runtime_data
    runtime.account.tracker.async_track(
        {index: f"+4479111{index:05d}" for index in range(REPORTS)},
        "action",
    )
    await hass.async_block_till_done()
    for index in range(REPORTS):
        runtime.account.tracker.async_handle_pushed(
            [
                PushedReport(
                    id=index,
                    number=f"+4479111{index:05d}",
                    time=datetime(2026, 11, 30, 12, 0, index % 60, tzinfo=UTC),
                    status=0 if index % 3 else 1006,
                    reason=None,
                    version="1.0",
                )
            ]
        )
        await hass.async_block_till_done()
    await async_wait_recording_done(hass)

    state = hass.states.get(LAST_STATUS)
    assert state.attributes["message_id"] == REPORTS - 1
    assert hass.states.get("sensor.demo_127_0_0_1_delivered").state == "666"
    rows = await recorder_mock.async_add_executor_job(
        lambda: _attribute_rows(recorder_mock.get_session(), LAST_STATUS)
    )
    # Delivered or failed (and pending at the send), whatever the message.
    assert 1 <= len(rows) <= 4
    assert not any('"message_id"' in row or '"number"' in row for row in rows)
