"""One coordinator per cadence: a failing poll of one kind leaves the other's entities alone."""

from __future__ import annotations

from decimal import Decimal

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.eims.const import BALANCE_INTERVAL, DOMAIN
from simulator.testing import RunningSimulator

from .common import async_poll, requests_to

BALANCE = "sensor.demo_127_0_0_1_balance"
GIFT = "sensor.demo_127_0_0_1_gift_balance"
RECEIVED_SMS = "event.demo_127_0_0_1_received_sms"
AWAITING_REPORT = "sensor.demo_127_0_0_1_messages_awaiting_report"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Messages move only when a test steps them."""
    return {"step_seconds": 0}


async def test_failing_inbox_poll_keeps_the_balance_available_and_current(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Getsms answers with an error: the balance sensors stay available and follow the account."""
    account = simulator.state.accounts["demo"]
    simulator.state.add_fault({"kind": "status", "endpoint": "getsms", "status": -12})
    account.balance, account.gift = Decimal("42.50"), Decimal(0)
    simulator.state.add_inbound(account, sender="+447911000000", content="held back")
    getsms_before = requests_to(simulator, "getsms")

    await async_poll(hass, freezer, BALANCE_INTERVAL)
    assert requests_to(simulator, "getsms") == getsms_before + 1
    assert hass.states.get(BALANCE).state == "42.5"
    assert hass.states.get(GIFT).state == "0"
    assert hass.states.get(RECEIVED_SMS).state == "unknown"

    # A send still refreshes the balance at once, while the inbox keeps failing.
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": init_sim_entry.entry_id,
            "numbers": ["+447911123456"],
            "message": "Hi",
        },
        blocking=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert Decimal(hass.states.get(BALANCE).state) == account.balance < Decimal("42.5")
    assert hass.states.get(AWAITING_REPORT).state == "1"

    await async_poll(hass, freezer)
    assert hass.states.get(BALANCE).state != STATE_UNAVAILABLE

    # Once the gateway answers again, the SMS held back arrives.
    simulator.state.faults.clear()
    await async_poll(hass, freezer)
    assert hass.states.get(RECEIVED_SMS).attributes["text"] == "held back"


async def test_failing_balance_poll_keeps_messages_flowing(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Getbalance answers with an error: only the balance is unavailable; SMS still arrive."""
    account = simulator.state.accounts["demo"]
    simulator.state.add_fault(
        {"kind": "status", "endpoint": "getbalance", "status": -12}
    )
    await async_poll(hass, freezer, BALANCE_INTERVAL)
    assert hass.states.get(BALANCE).state == STATE_UNAVAILABLE

    simulator.state.add_inbound(account, sender="+447911000000", content="still here")
    await async_poll(hass, freezer)
    assert hass.states.get(RECEIVED_SMS).attributes["text"] == "still here"
    assert hass.states.get(AWAITING_REPORT).state == "0"
    assert hass.states.get(BALANCE).state == STATE_UNAVAILABLE

    # A failed balance poll is retried at the messages' pace, not half an hour later.
    simulator.state.faults.clear()
    await async_poll(hass, freezer)
    assert Decimal(hass.states.get(BALANCE).state) == account.balance
