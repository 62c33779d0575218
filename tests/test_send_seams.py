"""Where a send meets the rest: reports before it returns, a refusal halfway, a reload."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.event import ATTR_EVENT_TYPE
from homeassistant.core import Event, HomeAssistant, ServiceResponse, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import (
    EventStateChangedData,
    async_track_state_change_event,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims.account.track import EVENT_DELIVERY_REPORT
from simulator.faults import Fault
from simulator.testing import RunningSimulator

from .common import action_caller, async_poll
from .conftest import ENTRY_DATA
from .test_tracker import counts

EVENT = "event.demo_127_0_0_1_delivery_report"
WEBHOOK = f"/api/webhook/{ENTRY_DATA['webhook_id']}"
# Three requests: the client sends at most 10,000 numbers in one.
NUMBERS = [f"+447911{index:06d}" for index in range(20_001)]
FIRST_REQUEST = 10_000


@pytest.fixture(autouse=True)
async def homeassistant(hass: HomeAssistant) -> None:
    """Home Assistant's core integration: `homeassistant.update_entity` polls at once."""
    assert await async_setup_component(hass, "homeassistant", {})


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Messages move only when a test steps them; enough money for 20,001 SMS."""
    return {"step_seconds": 0, "report_fields": 6, "balance": "5000"}


def delivered_announcements(hass: HomeAssistant) -> Counter[int]:
    """Count, per message id, the delivery report entity's "delivered" events."""
    announced: Counter[int] = Counter()

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and new.attributes.get(ATTR_EVENT_TYPE) == "delivered":
            announced[new.attributes["message_id"]] += 1

    async_track_state_change_event(hass, EVENT, record)
    return announced


async def async_deliver_first_request(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: RunningSimulator,
    route: str,
) -> None:
    """Deliver the first request's messages; their reports are pushed or polled now."""
    state = simulator.state
    first = sorted(state.messages)[:FIRST_REQUEST]
    if route == "polled":
        state.step_messages(ids=first, steps=None)
        # Polled at once: time passing would time the held request out.
        await hass.services.async_call(
            "homeassistant",
            "update_entity",
            {"entity_id": "sensor.demo_127_0_0_1_messages_awaiting_report"},
            blocking=True,
        )
        await hass.async_block_till_done()
        return
    # The gateway's own pusher PUTs them to the webhook, 50 per request.
    client = await hass_client_no_auth()
    state.accounts["demo"].push_url = str(client.make_url(WEBHOOK))
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{simulator.control_url}/messages/advance",
            json={"ids": first, "steps": "final"},
        ) as response,
    ):
        assert response.status == 200
    assert len(state.pushes) == FIRST_REQUEST // 50
    assert all(push.http_status == 200 for push in state.pushes)


async def async_send_with_reports_in_between(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: RunningSimulator,
    entry: MockConfigEntry,
    route: str,
) -> asyncio.Future[ServiceResponse]:
    """Send to 20,001 numbers; the first request's reports arrive before the second's reply."""
    gate: Fault = simulator.state.add_fault(
        {"kind": "gate", "endpoint": "sendsms", "after": 1, "count": 1}
    )
    send_sms = action_caller(hass, entry, "send_sms")
    # Not a task of hass: the polls below wait for hass's tasks, not for the held send.
    sending = asyncio.ensure_future(send_sms(numbers=NUMBERS, message="Hi"))
    await gate.reached.wait()
    await async_deliver_first_request(hass, hass_client_no_auth, simulator, route)
    assert counts(hass)["delivered"] == FIRST_REQUEST
    gate.release()
    return sending


async def async_deliver_the_rest(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: RunningSimulator
) -> None:
    """Deliver every message left and poll until each report is in, then pass the window."""
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.state.step_messages(steps=None)
    # A poll asks about 10,000 messages; after a push, only those sent 5 minutes ago.
    for _ in range(3):
        await async_poll(hass, freezer, timedelta(minutes=5))
    await async_poll(hass, freezer, timedelta(hours=73))


@pytest.mark.parametrize("second", ["accepted", "refused"])
@pytest.mark.parametrize("route", ["pushed", "polled"])
async def test_reports_during_a_send_are_announced_once(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    route: str,
    second: str,
) -> None:
    """20,001 numbers, the 1st request's reports in before the 2nd's reply: each told once."""
    sent = len(NUMBERS)
    if second == "refused":
        simulator.state.add_fault(
            {"kind": "status", "status": -10, "endpoint": "sendsms", "after": 1}
        )
        sent = FIRST_REQUEST
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    announced = delivered_announcements(hass)
    sending = await async_send_with_reports_in_between(
        hass, hass_client_no_auth, simulator, init_sim_entry, route
    )
    if second == "refused":
        with pytest.raises(HomeAssistantError) as err:
            await sending
        assert err.value.translation_key == "insufficient_balance"
    else:
        response = await sending
        assert response is not None
        assert response["success"] == sent
    await async_deliver_the_rest(hass, freezer, simulator)

    assert counts(hass) == {
        "messages_awaiting_report": 0,
        "sms_sent": sent,
        "delivered": sent,
        "failed": 0,
    }
    # Announced once each, by event and by the entity; none expired after the window.
    assert Counter(event.data["status"] for event in events) == {"delivered": sent}
    delivered = Counter(event.data["message_id"] for event in events)
    assert len(delivered) == sent
    assert set(delivered.values()) == {1}
    assert announced == delivered
