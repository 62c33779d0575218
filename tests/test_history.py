"""The account's conversations: `eims.get_messages`, the Unread SMS sensor, storage, diagnostics."""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.notify import (
    ATTR_MESSAGE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims.account.conversations import SAVE_DELAY
from custom_components.eims.const import CONF_HISTORY_LIMIT
from custom_components.eims.store import StoreName, store_key
from simulator.testing import RunningSimulator

from .common import action_caller, async_poll, async_set_up_account
from .conftest import DAD, MUM, STRANGER
from .test_tracker import ZONE

UNREAD = "sensor.demo_127_0_0_1_unread_sms"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Messages move only when a test steps them; delivery reports; Home Assistant's zone."""
    return {"tz": dt_util.get_time_zone(ZONE), "step_seconds": 0, "report_fields": 6}


async def get_messages(
    hass: HomeAssistant, entry: MockConfigEntry, **data: Any
) -> list[dict[str, Any]]:
    """Return what `eims.get_messages` answers."""
    response = await action_caller(hass, entry, "get_messages")(**data)
    assert response is not None
    messages: list[dict[str, Any]] = response["messages"]  # type: ignore[assignment]
    return messages


async def send_sms(
    hass: HomeAssistant, entry: MockConfigEntry, **data: Any
) -> list[int]:
    """Send with `eims.send_sms`; return the gateway's ids."""
    response = await action_caller(hass, entry, "send_sms")(**data)
    assert response is not None
    return [message["id"] for message in response["messages"]]  # type: ignore[index,union-attr]


def receive(simulator: RunningSimulator, sender: str, content: str) -> None:
    """Queue an SMS at the gateway, received now (Home Assistant's frozen time)."""
    simulator.state.add_inbound(
        simulator.state.accounts["demo"],
        sender=sender,
        content=content,
        received=dt_util.utcnow().timestamp(),
    )


def unread(hass: HomeAssistant) -> str:
    """Return the Unread SMS sensor's state."""
    state = hass.states.get(UNREAD)
    assert state is not None
    return state.state


def shown(messages: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Return what a person reads of each message."""
    return [
        (m["direction"], m["number"], m["contact"], m["text"], m["status"], m["read"])
        for m in messages
    ]


async def test_threads_by_number(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
) -> None:
    """A number written nationally, with spaces or as the gateway sends it is one thread."""
    sent_at = dt_util.utcnow()
    await send_sms(hass, family_entry, numbers="07911 123456", message="Dinner at 7?")
    freezer.tick(5)
    receive(simulator, "07911123456", "Yes!")
    receive(simulator, STRANGER, "Who is this?")
    await async_poll(hass, freezer)

    thread = await get_messages(hass, family_entry, number="+44 (0)7911 123456")
    assert shown(thread) == [
        ("received", MUM, "Family", "Yes!", None, False),
        ("sent", MUM, "Family", "Dinner at 7?", "pending", True),
    ]
    [received, sent] = thread
    assert received["id"].startswith("in:")
    assert sent["id"].startswith("out:")
    assert sent["at"] == sent_at.isoformat()
    assert received["at"] > sent["at"]

    everything = await get_messages(hass, family_entry)
    assert [m["text"] for m in everything] == ["Who is this?", "Yes!", "Dinner at 7?"]
    assert everything[0]["contact"] is None
    assert [
        m["text"] for m in await get_messages(hass, family_entry, direction="received")
    ] == ["Who is this?", "Yes!"]
    assert [
        m["text"] for m in await get_messages(hass, family_entry, direction="sent")
    ] == ["Dinner at 7?"]
    assert [m["text"] for m in await get_messages(hass, family_entry, limit=1)] == [
        "Who is this?"
    ]
    assert await get_messages(hass, family_entry, number=DAD) == []
    assert unread(hass) == "2"


async def test_status_follows_delivery_reports(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
) -> None:
    """A sent message's status is the delivery sensor's, report after report."""
    [message_id] = await send_sms(hass, family_entry, numbers=MUM, message="Hi")
    statuses = []
    for _ in range(3):
        [message] = await get_messages(hass, family_entry)
        statuses.append(message["status"])
        simulator.state.step_messages(ids=[message_id])
        await async_poll(hass, freezer)
    [message] = await get_messages(hass, family_entry)
    assert message["id"] == f"out:{message_id}"
    assert [*statuses, message["status"]] == ["pending", "sending", "sent", "delivered"]
    last = hass.states.get("sensor.demo_127_0_0_1_last_delivery_status")
    assert last is not None
    assert last.state == "delivered"


async def test_every_sender_is_kept(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
) -> None:
    """Notify entities and questions go through the send pipeline: kept like any send."""
    [family] = [
        entity_id
        for entity_id in hass.states.async_entity_ids(NOTIFY_DOMAIN)
        if entity_id.endswith("family")
    ]
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        SERVICE_SEND_MESSAGE,
        {ATTR_ENTITY_ID: family, ATTR_MESSAGE: "Doorbell"},
        blocking=True,
    )
    await action_caller(hass, family_entry, "ask")(
        to=[MUM], question="Open the gate? Reply 1", choices={"1": "open"}
    )
    # The gateway's receive times are whole seconds.
    freezer.tick(1)
    receive(simulator, MUM, "1")
    await async_poll(hass, freezer)
    assert shown(await get_messages(hass, family_entry)) == [
        ("received", MUM, "Family", "1", None, False),
        ("sent", MUM, "Family", "Open the gate? Reply 1", "pending", True),
        ("sent", DAD, "Family", "Doorbell", "pending", True),
        ("sent", MUM, "Family", "Doorbell", "pending", True),
    ]


async def test_scheduled_message_at_its_time(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
) -> None:
    """A message the gateway sends later stands in its thread at the time it goes."""
    later = dt_util.utcnow().replace(microsecond=0) + timedelta(hours=2)
    await send_sms(
        hass, family_entry, numbers=MUM, message="Later", send_time=later.isoformat()
    )
    [message] = await get_messages(hass, family_entry)
    assert dt_util.parse_datetime(message["at"]) == later


async def test_kept_across_restart_and_reload(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Written soon after each change and on unload; read back, read marks included."""
    key = store_key(family_entry.entry_id, StoreName.HISTORY)
    await send_sms(hass, family_entry, numbers=MUM, message="Hi")
    freezer.tick(1)
    receive(simulator, DAD, "Hello")
    await async_poll(hass, freezer)
    freezer.tick(SAVE_DELAY + 1)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert [row["text"] for row in hass_storage[key]["data"]] == ["Hi", "Hello"]
    before = await get_messages(hass, family_entry)

    # A restart: the account's parts are built again from what is on disk.
    assert await hass.config_entries.async_unload(family_entry.entry_id)
    assert await hass.config_entries.async_setup(family_entry.entry_id)
    await hass.async_block_till_done()
    assert await get_messages(hass, family_entry) == before
    assert unread(hass) == "1"

    await action_caller(hass, family_entry, "send_sms")(numbers=DAD, message="Bye")
    assert await hass.config_entries.async_reload(family_entry.entry_id)
    await hass.async_block_till_done()
    assert [m["text"] for m in await get_messages(hass, family_entry)] == [
        "Bye",
        "Hello",
        "Hi",
    ]


async def test_bound(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
) -> None:
    """1,200 received SMS: the newest 1,000 are kept, the unread count with them."""
    for index in range(1200):
        receive(simulator, STRANGER, f"SMS {index}")
    await async_poll(hass, freezer)
    messages = await get_messages(hass, family_entry, limit=1000)
    assert [m["text"] for m in messages] == [
        f"SMS {index}" for index in range(1199, 199, -1)
    ]
    assert unread(hass) == "1000"


async def test_bound_is_an_option(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    sim_entry: MockConfigEntry,
) -> None:
    """The user keeps fewer messages: the oldest go, sent or received."""
    entry = await async_set_up_account(hass, sim_entry, options={CONF_HISTORY_LIMIT: 2})
    await send_sms(hass, entry, numbers=MUM, message="One")
    freezer.tick(1)
    receive(simulator, MUM, "Two")
    await async_poll(hass, freezer)
    await send_sms(hass, entry, numbers=MUM, message="Three")
    assert [m["text"] for m in await get_messages(hass, entry)] == ["Three", "Two"]
    # A send to more numbers than are kept: its last ones.
    ids = await send_sms(hass, entry, numbers=[MUM, DAD, STRANGER], message="Four")
    assert [m["id"] for m in await get_messages(hass, entry)] == [
        f"out:{message_id}" for message_id in reversed(ids[1:])
    ]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"limit": 0}, "messages_limit_out_of_range"),
        ({"limit": 1001}, "messages_limit_out_of_range"),
        ({"direction": "both"}, "messages_direction_invalid"),
        ({"number": "mum"}, "messages_number_invalid"),
        ({"number": ""}, "messages_number_invalid"),
        ({"number": "   "}, "messages_number_invalid"),
        ({"config_entry_id": "nope"}, "service_config_entry_not_found"),
    ],
)
async def test_bad_input(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    """A wrong account, limit, direction or number gets a translated error."""
    with pytest.raises(ServiceValidationError) as err:
        await get_messages(hass, family_entry, **data)
    assert err.value.translation_key == key
    assert str(err.value)


async def test_sender_id_is_a_thread(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
) -> None:
    """An SMS from an alphanumeric sender ID is found by that ID, as written."""
    simulator.state.accounts["demo"].number_form = "digits"
    receive(simulator, "MyBank", "Your code is 1234")
    await async_poll(hass, freezer)
    [message] = await get_messages(hass, family_entry, number="MyBank")
    assert (message["number"], message["text"]) == ("MyBank", "Your code is 1234")


async def test_diagnostics_count_only(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
) -> None:
    """Diagnostics count the messages; no text, no full number, no contact."""
    await send_sms(hass, family_entry, numbers=DAD, message="Secret plans")
    receive(simulator, STRANGER, "Private reply")
    await async_poll(hass, freezer)
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, family_entry
    )
    assert diagnostics["conversations"] == {
        "messages": 2,
        "received": 1,
        "sent": 1,
        "unread": 1,
        "conversations": 2,
        "limit": 1000,
    }
    dumped = json.dumps(diagnostics)
    for secret in ("Secret plans", "Private reply", "Family"):
        assert secret not in dumped
    for number in (DAD, STRANGER):
        assert number.removeprefix("+") not in dumped


async def test_removed_with_the_entry(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Deleting the account deletes its conversations."""
    await send_sms(hass, family_entry, numbers=MUM, message="Hi")
    assert await hass.config_entries.async_unload(family_entry.entry_id)
    assert store_key(family_entry.entry_id, StoreName.HISTORY) in hass_storage
    await hass.config_entries.async_remove(family_entry.entry_id)
    await hass.async_block_till_done()
    assert store_key(family_entry.entry_id, StoreName.HISTORY) not in hass_storage
