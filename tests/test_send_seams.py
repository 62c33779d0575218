"""Where a send meets the rest: reports before it returns, a refusal halfway, a reload."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from http import HTTPStatus
import json
from typing import Any, cast

import aiohttp
from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.event import ATTR_EVENT_TYPE
from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant, ServiceResponse, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import (
    EventStateChangedData,
    async_track_state_change_event,
)
from homeassistant.setup import async_setup_component
from homeassistant.util.aiohttp import MockRequest
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims.account.track import EVENT_DELIVERY_REPORT
from custom_components.eims.const import CONF_CURRENCY, CONF_GATEWAY_TIME_ZONE
from custom_components.eims.store import StoreName, store_key
from custom_components.eims.webhook import async_handle_report_push
from simulator.faults import Fault
from simulator.testing import RunningSimulator

from .common import action_caller, async_poll
from .conftest import ENTRY_DATA, MUM
from .test_tracker import NUMBER, counts, send

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


CallMaker = Callable[[HomeAssistant, MockConfigEntry], Awaitable[Any]]


def _action(action: str, **data: Any) -> CallMaker:
    def call(hass: HomeAssistant, entry: MockConfigEntry) -> Awaitable[Any]:
        return action_caller(hass, entry, action)(**data)

    return call


def _notify(service: str, **data: Any) -> CallMaker:
    def call(hass: HomeAssistant, entry: MockConfigEntry) -> Awaitable[Any]:
        return hass.services.async_call(
            NOTIFY_DOMAIN, service, {"message": "Hi", **data}, blocking=True
        )

    return call


# Every way a message leaves, and the gateway endpoint that takes it.
CALLS: dict[str, tuple[str, CallMaker]] = {
    "notify_entity": ("sendsms", _notify("send_message", entity_id="notify.family")),
    "named_notify": ("sendsms", _notify("eims_family")),
    "send_sms": ("sendsms", _action("send_sms", numbers=[MUM], message="Hi")),
    "ask": ("sendsms", _action("ask", to=[MUM], question="Home?", ask_id="home")),
    "create_job": (
        "smsjob",
        _action("create_job", name="job", message="Hi", numbers=[MUM]),
    ),
}


async def async_save_options(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Save the options form as a user does; the entry reloads."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_CURRENCY: "EUR", CONF_GATEWAY_TIME_ZONE: "UTC"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def async_hold_until_unloading(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry, call: str
) -> tuple[Fault, asyncio.Future[Any]]:
    """Make the call; while the gateway holds its reply, save the options (a reload)."""
    endpoint, make = CALLS[call]
    gate: Fault = simulator.state.add_fault(
        {"kind": "gate", "endpoint": endpoint, "count": 1}
    )
    # Not a task of hass: waiting for hass's tasks must not wait for the held call.
    calling = asyncio.ensure_future(make(hass, entry))
    await gate.reached.wait()
    unloading = asyncio.Event()

    @callback
    def async_state_changed() -> None:
        if entry.state is ConfigEntryState.UNLOAD_IN_PROGRESS:
            unloading.set()

    stop_watching = entry.async_on_state_change(async_state_changed)
    await async_save_options(hass, entry)
    await unloading.wait()
    stop_watching()
    return gate, calling


@pytest.mark.parametrize("call", CALLS)
async def test_a_call_in_flight_meets_a_reload(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    call: str,
) -> None:
    """The reply comes during the reload: the call ends well, its ids reach the next account."""
    assert await async_setup_component(hass, "homeassistant", {})
    gate, calling = await async_hold_until_unloading(
        hass, simulator, family_entry, call
    )
    gate.release()
    await calling
    await hass.async_block_till_done()
    assert family_entry.state is ConfigEntryState.LOADED
    assert family_entry.options[CONF_CURRENCY] == "EUR"
    if call == "create_job":
        assert len(simulator.state.jobs) == 1
        return
    sent = sorted(simulator.state.messages)
    stored = hass_storage[store_key(family_entry.entry_id, StoreName.DELIVERIES)]
    assert stored["data"]["pending"]["ids"] == sent
    assert counts(hass)["messages_awaiting_report"] == len(sent)
    assert counts(hass)["sms_sent"] == len(sent)
    if call == "ask":
        assert family_entry.runtime_data.account.questions.pending == 1


async def test_a_call_during_a_reload_is_refused(
    hass: HomeAssistant, simulator: RunningSimulator, family_entry: MockConfigEntry
) -> None:
    """While the account waits for a send to end, a new one is refused, translated."""
    gate, calling = await async_hold_until_unloading(
        hass, simulator, family_entry, "send_sms"
    )
    with pytest.raises(HomeAssistantError) as err:
        await _notify("send_message", entity_id="notify.family")(hass, family_entry)
    assert err.value.translation_key == "account_stopping"
    assert err.value.translation_placeholders == {"entry_title": family_entry.title}
    gate.release()
    await calling
    await hass.async_block_till_done()
    assert len(simulator.state.messages) == 1
    assert counts(hass)["messages_awaiting_report"] == 1


async def test_a_push_read_during_an_unload_is_put_off(
    hass: HomeAssistant, simulator: RunningSimulator, init_sim_entry: MockConfigEntry
) -> None:
    """A pushed body read until after the account stopped is refused: the gateway retries."""
    [message_id] = await send(hass, init_sim_entry, NUMBER)
    simulator.state.step_messages(steps=None)
    row = simulator.state.messages[message_id].push_item(
        simulator.state.accounts["demo"], simulator.state.tz
    )
    body = json.dumps({"type": "report", "cnt": 1, "array": [row]}).encode()
    account = init_sim_entry.runtime_data.account
    assert await hass.config_entries.async_unload(init_sim_entry.entry_id)
    # The handler of a push that was on its way when the webhook went away.
    response = await async_handle_report_push(
        account,
        hass,
        ENTRY_DATA["webhook_id"],
        cast(
            "web.Request", MockRequest(content=body, mock_source="test", method="PUT")
        ),
    )
    assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
    # The next account asks for the report itself, and tells it once.
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    assert await hass.config_entries.async_setup(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert [event.data["status"] for event in events] == ["delivered"]
