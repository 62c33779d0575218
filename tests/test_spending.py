"""Tests for the spending guards: repeated texts held back, the daily segment limit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.eims.account.guard_rules import (
    DailyBudget,
    DuplicateFilter,
    SlidingWindow,
)
from custom_components.eims.const import DOMAIN
from custom_components.eims.diagnostics import async_get_config_entry_diagnostics
from simulator.testing import RunningSimulator

from .common import async_set_up_account

NUMBER = "+447911123456"
OTHER = "+447911123457"
# 200 GSM-7 characters: 2 segments.
TWO_SEGMENTS = "x" * 200


async def _set_up(
    hass: HomeAssistant, sim_entry: MockConfigEntry, **options: Any
) -> MockConfigEntry:
    return await async_set_up_account(hass, sim_entry, options=options)


async def _send(
    hass: HomeAssistant, entry: MockConfigEntry, numbers: list[str], message: str
) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {ATTR_CONFIG_ENTRY_ID: entry.entry_id, "numbers": numbers, "message": message},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


def _sent_to(simulator: RunningSimulator) -> list[tuple[str, str]]:
    return [
        (s.params["numbers"], s.params["content"]) for s in simulator.state.submissions
    ]


async def test_runaway_guard_suppresses_19_of_20(
    hass: HomeAssistant,
    sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """20 identical sends within a minute: one SMS, 19 reported as suppressed, no error."""
    entry = await _set_up(hass, sim_entry)
    responses = []
    for index in range(20):
        if index:
            freezer.tick(timedelta(seconds=3))
        responses.append(await _send(hass, entry, [NUMBER], "Washing machine done"))
    assert _sent_to(simulator) == [(NUMBER, "Washing machine done")]
    assert responses[0]["success"] == 1
    assert responses[0]["suppressed"] == []
    assert all((r["success"], r["suppressed"]) == (0, [NUMBER]) for r in responses[1:])
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["spending"]["suppressed"] == 19

    # Another text, or another number, is not a copy.
    response = await _send(hass, entry, [NUMBER, OTHER], "Dryer done")
    assert response["success"] == 2
    response = await _send(hass, entry, [NUMBER, OTHER], "Washing machine done")
    assert (response["success"], response["suppressed"]) == (1, [NUMBER])

    # Once the window has passed, the same text goes again.
    freezer.tick(timedelta(seconds=61))
    response = await _send(hass, entry, [NUMBER], "Washing machine done")
    assert (response["success"], response["suppressed"]) == (1, [])
    assert len(simulator.state.submissions) == 4


async def test_runaway_guard_off(
    hass: HomeAssistant, sim_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A window of 0 turns the guard off."""
    entry = await _set_up(hass, sim_entry, duplicate_window=0)
    for _ in range(3):
        await _send(hass, entry, [NUMBER], "Again")
    assert len(simulator.state.submissions) == 3


async def test_refused_send_may_be_repeated(
    hass: HomeAssistant, sim_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A send the gateway refused sent nothing: the same text may go at once."""
    entry = await _set_up(hass, sim_entry, daily_limit=1)
    simulator.state.add_fault(
        {"kind": "status", "endpoint": "sendsms", "status": -3, "count": 1}
    )
    with pytest.raises(HomeAssistantError):
        await _send(hass, entry, [NUMBER], "Retry me")
    # Neither held back as a copy nor counted against the limit of 1.
    response = await _send(hass, entry, [NUMBER], "Retry me")
    assert response["success"] == 1


async def test_daily_limit_refuses_with_repair(
    hass: HomeAssistant,
    sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Past the limit: a translated error naming it, a repair issue, nothing sent."""
    await hass.config.async_set_time_zone("Europe/London")
    freezer.move_to("2026-11-30 21:00:00+00:00")
    entry = await _set_up(hass, sim_entry, daily_limit=3)
    await _send(hass, entry, [NUMBER], TWO_SEGMENTS)
    with pytest.raises(HomeAssistantError) as err:
        await _send(hass, entry, [OTHER], TWO_SEGMENTS)
    assert err.value.translation_key == "daily_limit_reached"
    assert err.value.translation_placeholders == {
        "limit": "3",
        "used": "2",
        "cost": "2",
        "entry_title": entry.title,
    }
    assert len(simulator.state.submissions) == 1
    issue_id = f"daily_limit_reached_{entry.entry_id}"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["limit"] == "3"
    # One segment still fits.
    await _send(hass, entry, [OTHER], "ok")

    # The count survives a reload (any options change reloads the entry).
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(HomeAssistantError):
        await _send(hass, entry, [OTHER], "one more")
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

    # At midnight (Home Assistant's time) the day starts over and the issue goes.
    freezer.move_to("2026-12-01 00:00:00+00:00")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    await _send(hass, entry, [OTHER], TWO_SEGMENTS)
    assert len(simulator.state.submissions) == 3


async def test_raising_the_limit_clears_the_repair(
    hass: HomeAssistant,
    sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Raising the limit in the options removes the issue; sends go again."""
    entry = await _set_up(hass, sim_entry, daily_limit=1)
    await _send(hass, entry, [NUMBER], "first")
    with pytest.raises(HomeAssistantError):
        await _send(hass, entry, [NUMBER], "second")
    issue_id = f"daily_limit_reached_{entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"daily_limit": 10}
    )
    await hass.async_block_till_done()
    assert entry.options["daily_limit"] == 10
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    await _send(hass, entry, [NUMBER], "second")
    assert len(simulator.state.submissions) == 2


async def test_removing_the_entry_deletes_the_count(
    hass: HomeAssistant, sim_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """The stored count goes with the entry."""
    entry = await _set_up(hass, sim_entry, daily_limit=5)
    await _send(hass, entry, [NUMBER], "hello")
    assert await hass.config_entries.async_unload(entry.entry_id)
    key = f"{DOMAIN}.{entry.entry_id}.spending"
    assert hass_storage[key]["data"]["segments"] == 1
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


def test_duplicate_filter() -> None:
    """Copies within the window are held; forgotten ones may go again; 0 is off."""
    now = datetime(2026, 1, 1, tzinfo=dt_util.UTC)
    guard = DuplicateFilter(timedelta(seconds=60))
    assert guard.admit(["a", "b"], "hi", now) == (["a", "b"], [])
    assert guard.admit(["a", "c"], "hi", now) == (["c"], ["a"])
    guard.forget(["a"], "hi")
    assert guard.admit(["a"], "hi", now) == (["a"], [])
    assert guard.admit(["a"], "hi", now + timedelta(seconds=60)) == (["a"], [])
    off = DuplicateFilter(timedelta(0))
    assert off.admit(["a"], "hi", now) == off.admit(["a"], "hi", now) == (["a"], [])


def test_sliding_window() -> None:
    """At most `limit` events per window; a full window reopens as the oldest ages out."""
    now = datetime(2026, 1, 1, tzinfo=dt_util.UTC)
    window = SlidingWindow(timedelta(seconds=60), 2)
    assert window.admit(now)
    assert window.admit(now + timedelta(seconds=10))
    assert not window.admit(now + timedelta(seconds=20))
    assert window.reopens_at() == now + timedelta(seconds=60)
    window.withdraw(now + timedelta(seconds=10))
    assert window.admit(now + timedelta(seconds=20))
    assert not window.admit(now + timedelta(seconds=59))
    assert window.admit(now + timedelta(seconds=60))


def test_daily_budget() -> None:
    """The budget counts per day; 0 allows everything."""
    budget = DailyBudget(limit=10, day=date(2026, 1, 1), used=9)
    assert budget.allows(1)
    assert not budget.allows(2)
    budget.used = 10
    assert budget.reached
    budget.roll(date(2026, 1, 2))
    assert (budget.used, budget.reached) == (0, False)
    assert DailyBudget(limit=0, day=date(2026, 1, 1), used=10**6).allows(10**6)
