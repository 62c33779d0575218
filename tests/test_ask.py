"""`eims.ask` and `eims.reply_received`: a question by SMS, its reply or its timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import automation, conversation
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.eims import logbook
from custom_components.eims.account.ask import EVENT_REPLY_RECEIVED, LAST_CHANCE
from custom_components.eims.account.receive import EVENT_SMS_RECEIVED
from custom_components.eims.assist import (
    CONF_AGENT_ID,
    CONF_ASSIST,
    CONF_ENABLED,
    CONF_LANGUAGE,
    CONF_RATE_LIMIT,
    CONF_TRUSTED_NUMBERS,
    DEFAULT_RATE_LIMIT,
)
from custom_components.eims.const import DOMAIN, UPDATE_INTERVAL
from custom_components.eims.store import StoreName, store_key
from simulator.accounts import Outcome
from simulator.testing import RunningSimulator

from .common import async_poll
from .conftest import DAD, MUM, STRANGER
from .test_assist import EchoAgent
from .test_trigger import attach, inject

RECEIVED_SMS = "event.demo_127_0_0_1_received_sms"
ALARM = "Alarm triggered. Reply 1 to disarm, 2 to ignore."
CHOICES = {"1": "disarm", "2": "ignore"}


@pytest.fixture
def simulator_options(hass: HomeAssistant) -> dict[str, object]:
    """Messages stay where they are; the gateway's clock is in Home Assistant's zone."""
    return {"step_seconds": 0, "tz": dt_util.get_default_time_zone()}


async def ask(
    hass: HomeAssistant, entry: MockConfigEntry, **data: Any
) -> dict[str, Any]:
    """Call `eims.ask`; return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "ask",
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    # The poll that follows a send.
    await hass.async_block_till_done()
    return dict(response)


def sent(simulator: RunningSimulator) -> list[tuple[str, str]]:
    """Return (number, text) of every SMS sent through the simulator, numbers with "+"."""
    return [
        (f"+{m.number.removeprefix('+')}", m.content)
        for m in simulator.state.messages.values()
    ]


async def until(condition: Callable[[], bool]) -> None:
    """
    Let the event loop run until `condition` holds.

    An automation waiting for a trigger is a task that `async_block_till_done` would wait
    for to the end; time is frozen, so only turns of the loop can be counted.
    """
    for _ in range(200_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never held")


async def alarm_automation(
    hass: HomeAssistant, entry: MockConfigEntry
) -> list[ServiceCall]:
    """Set up the README's alarm automation; return what its last action records."""
    calls = async_mock_service(hass, "test", "record")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: {
                "triggers": {"trigger": "event", "event_type": "test_alarm"},
                "actions": [
                    {
                        "action": "eims.ask",
                        "data": {
                            "config_entry_id": entry.entry_id,
                            "to": "Family",
                            "question": ALARM,
                            "choices": CHOICES,
                            "timeout": {"minutes": 5},
                            "ask_id": "alarm",
                        },
                        "response_variable": "asked",
                    },
                    {
                        "wait_for_trigger": {
                            "trigger": "eims.reply_received",
                            "options": {"ask_id": "alarm"},
                        }
                    },
                    {
                        "action": "test.record",
                        "data": {
                            "ask_id": "{{ asked.ask_id }}",
                            "choice": "{{ wait.trigger.choice }}",
                            "text": "{{ wait.trigger.text }}",
                            "who": "{{ wait.trigger.recipient }}",
                            "timed_out": "{{ wait.trigger.timed_out }}",
                        },
                    },
                ],
            }
        },
    )
    return calls


async def test_wait_for_trigger_gets_the_choice(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The automation asks Family, waits, and gets "disarm" from dad's "1, thanks"."""
    calls = await alarm_automation(hass, family_entry)
    # Waiting on the gateway already: read by the poll that follows the question.
    inject(simulator, STRANGER, "1")
    inject(simulator, DAD, "maybe later")
    inject(simulator, DAD, "1, thanks")
    hass.bus.async_fire("test_alarm")
    await until(lambda: bool(calls))
    assert sent(simulator) == [(MUM, ALARM), (DAD, ALARM)]
    assert dict(calls[0].data) == {
        "ask_id": "alarm",
        "choice": "disarm",
        "text": "1, thanks",
        "who": "Family",
        "timed_out": False,
    }
    assert family_entry.runtime_data.account.questions.pending == 0


async def test_timeout_gives_no_choice_once(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a reply the wait ends at the timeout with no choice; a late reply is an SMS."""
    calls = await alarm_automation(hass, family_entry)
    ends = await attach(hass, {}, "eims.reply_received")
    polls: list[None] = []
    family_entry.runtime_data.messages.async_add_listener(lambda: polls.append(None))
    hass.bus.async_fire("test_alarm")
    # Asked, and the poll that follows the question is over.
    await until(
        lambda: family_entry.runtime_data.account.questions.pending == 1 and bool(polls)
    )
    freezer.tick(timedelta(minutes=5))
    async_fire_time_changed(hass)
    await until(lambda: bool(calls))
    assert dict(calls[0].data) == {
        "ask_id": "alarm",
        "choice": None,
        "text": None,
        "who": None,
        "timed_out": True,
    }
    # The automation is done: nothing waits but the poll the timeout's tick started.
    await hass.async_block_till_done(wait_background_tasks=True)
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    inject(simulator, MUM, "1")
    await async_poll(hass, freezer)
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert [end["timed_out"] for end in ends] == [True]
    assert ends[0]["description"] == "no reply to question alarm"
    assert [event.data["text"] for event in received] == ["1"]
    assert "ask_id" not in received[0].data


async def test_reply_is_still_an_sms(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The answer shows on the event entity and the bus, marked with the question's id."""
    sms = await attach(hass, {"from": ["Family"]})
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    ends = await attach(hass, {"ask_id": ["door"]}, "eims.reply_received")
    response = await ask(
        hass,
        family_entry,
        to=[MUM],
        question="Open the door? yes/no",
        choices=["yes", "no"],
        ask_id="door",
    )
    assert response["ask_id"] == "door"
    assert response["numbers"] == [MUM]
    inject(simulator, MUM, "Yes please")
    await async_poll(hass, freezer)
    assert [(end["choice"], end["text"], end["number"]) for end in ends] == [
        ("yes", "Yes please", MUM)
    ]
    assert ends[0]["question"] == "Open the door? yes/no"
    assert ends[0]["description"] == "reply to question door"
    assert [event.data["ask_id"] for event in received] == ["door"]
    assert [run["ask_id"] for run in sms] == ["door"]
    state = hass.states.get(RECEIVED_SMS)
    assert state is not None
    assert state.state != STATE_UNKNOWN
    assert state.attributes["text"] == "Yes please"


async def test_without_choices_any_reply_answers(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without choices the first readable reply is the choice; a generated id is returned."""
    ends = await attach(hass, {}, "eims.reply_received")
    response = await ask(
        hass, family_entry, to="07911 123456", question="Where are you?"
    )
    assert len(response["ask_id"]) == 26
    inject(simulator, MUM, "  At the station  ")
    await async_poll(hass, freezer)
    assert [(end["ask_id"], end["choice"]) for end in ends] == [
        (response["ask_id"], "At the station")
    ]


async def test_newest_question_answered_first(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Two open questions to one number: a reply answers the newest one it fits."""
    ends = await attach(hass, {}, "eims.reply_received")
    for device in ("lights", "heating"):
        await ask(
            hass,
            family_entry,
            to=MUM,
            question=f"{device}? on/off",
            choices=["on", "off"],
            ask_id=device,
        )
    await ask(
        hass,
        family_entry,
        to=MUM,
        question="Dinner? 1/2",
        choices=CHOICES,
        ask_id="dinner",
    )
    inject(simulator, MUM, "off")
    inject(simulator, MUM, "ON")
    await async_poll(hass, freezer)
    assert [(end["ask_id"], end["choice"]) for end in ends] == [
        ("heating", "off"),
        ("lights", "on"),
    ]
    assert family_entry.runtime_data.account.questions.pending == 1


async def test_same_id_replaces_the_question(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Asking again with an open question's id replaces it: one answer, no timeout."""
    ends = await attach(hass, {}, "eims.reply_received")
    others = await attach(hass, {"ask_id": ["other"]}, "eims.reply_received")
    await ask(hass, family_entry, to=MUM, question="First?", ask_id="q", timeout=60)
    await ask(hass, family_entry, to=DAD, question="Second?", ask_id="q", timeout=600)
    inject(simulator, MUM, "ignored")
    inject(simulator, DAD, "answer")
    await async_poll(hass, freezer)
    freezer.tick(timedelta(minutes=20))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert [(end["question"], end["choice"]) for end in ends] == [("Second?", "answer")]
    assert others == []


async def test_asking_again_sends_again(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The repeat guard never holds a question back: asked again at once, it goes again."""
    ends = await attach(hass, {}, "eims.reply_received")
    first = await ask(hass, family_entry, to=MUM, question="Home?", choices=["yes"])
    again = await ask(hass, family_entry, to=MUM, question="Home?", choices=["yes"])
    assert sent(simulator) == [(MUM, "Home?"), (MUM, "Home?")]
    assert again["numbers"] == [MUM]
    assert again["ask_id"] != first["ask_id"]
    inject(simulator, MUM, "yes")
    await async_poll(hass, freezer)
    assert [(end["ask_id"], end["choice"]) for end in ends] == [
        (again["ask_id"], "yes")
    ]


def reply_at(simulator: RunningSimulator, sender: str, text: str, at: datetime) -> None:
    """Queue an SMS the gateway received at `at`."""
    simulator.state.add_inbound(
        simulator.state.accounts["demo"],
        sender=sender,
        content=text,
        received=at.timestamp(),
    )


async def until_deadline(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, response: dict[str, Any]
) -> datetime:
    """Let time run (polls included) to two seconds before the question's deadline."""
    deadline = datetime.fromisoformat(response["expires_at"])
    freezer.move_to(deadline - timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    return deadline


@pytest.mark.parametrize("failed_reads", [0, 1])
async def test_reply_in_time_read_after_the_deadline(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    failed_reads: int,
) -> None:
    """A reply the gateway had by the deadline answers when read after it, even a poll later."""
    ends = await attach(hass, {}, "eims.reply_received")
    response = await ask(
        hass, family_entry, to=MUM, question="Home?", choices=["yes"], timeout=300
    )
    deadline = await until_deadline(hass, freezer, response)
    reply_at(simulator, MUM, "yes", deadline - timedelta(seconds=1))
    # The poll due just after the deadline reads it, or it fails and the next one does.
    if failed_reads:
        simulator.state.add_fault(
            {"kind": "http500", "endpoint": "getsms", "count": failed_reads}
        )
    for _ in range(failed_reads + 1):
        await async_poll(hass, freezer)
    assert dt_util.utcnow() > deadline + failed_reads * UPDATE_INTERVAL
    assert [(end["ask_id"], end["choice"], end["timed_out"]) for end in ends] == [
        (response["ask_id"], "yes", False)
    ]
    freezer.tick(LAST_CHANCE)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert len(ends) == 1


async def test_reply_after_the_deadline_does_not_answer(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Received after the deadline, a reply is an ordinary SMS; that read times it out."""
    ends = await attach(hass, {}, "eims.reply_received")
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    response = await ask(
        hass, family_entry, to=MUM, question="Home?", choices=["yes"], timeout=300
    )
    deadline = await until_deadline(hass, freezer, response)
    reply_at(simulator, MUM, "yes", deadline + timedelta(seconds=1))
    await async_poll(hass, freezer)
    assert [(end["choice"], end["timed_out"]) for end in ends] == [(None, True)]
    assert [event.data["text"] for event in received] == ["yes"]
    assert "ask_id" not in received[0].data


async def test_times_out_when_nothing_reads_the_gateway(
    hass: HomeAssistant,
    sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With polling turned off, a question still times out, `LAST_CHANCE` after its deadline."""
    hass.config.country = "GB"
    sim_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(sim_entry, pref_disable_polling=True)
    assert await hass.config_entries.async_setup(sim_entry.entry_id)
    await hass.async_block_till_done()
    ends = await attach(hass, {}, "eims.reply_received")
    response = await ask(hass, sim_entry, to=MUM, question="Home?", timeout=300)
    deadline = await until_deadline(hass, freezer, response)
    freezer.move_to(deadline + LAST_CHANCE - timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert ends == []
    freezer.tick(timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert [(end["ask_id"], end["timed_out"]) for end in ends] == [
        (response["ask_id"], True)
    ]


async def test_pending_question_survives_reload(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A question asked before a reload is answered after it, and times out after it."""
    ends = await attach(hass, {}, "eims.reply_received")
    await ask(
        hass,
        family_entry,
        to="Family",
        question="Home? yes/no",
        choices=["yes", "no"],
        ask_id="home",
    )
    await ask(hass, family_entry, to=MUM, question="Late?", ask_id="late", timeout=120)
    assert await hass.config_entries.async_reload(family_entry.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[store_key(family_entry.entry_id, StoreName.QUESTIONS)]["data"]
    assert [question["ask_id"] for question in stored] == ["home", "late"]
    assert family_entry.runtime_data.account.questions.pending == 2

    inject(simulator, DAD, "no")
    await async_poll(hass, freezer)
    freezer.tick(timedelta(minutes=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert [(end["ask_id"], end["choice"]) for end in ends] == [
        ("home", "no"),
        ("late", None),
    ]


async def test_question_survives_restart(
    hass: HomeAssistant,
    sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """
    Questions stored by an earlier run: answered, or timed out once if their time passed.

    A reply the gateway received in time while Home Assistant was stopped still answers.
    """
    now = dt_util.utcnow()
    hass_storage[store_key(sim_entry.entry_id, StoreName.QUESTIONS)] = {
        "version": 1,
        "minor_version": 1,
        "key": store_key(sim_entry.entry_id, StoreName.QUESTIONS),
        "data": [
            {
                "ask_id": ask_id,
                "numbers": [number],
                "question": f"{ask_id}?",
                "choices": {"y": "yes"},
                "asked_at": (now - timedelta(hours=1)).isoformat(),
                "expires_at": (now + expires_in).isoformat(),
            }
            for ask_id, number, expires_in in (
                ("expired", MUM, -LAST_CHANCE - timedelta(seconds=1)),
                ("late", STRANGER, timedelta(seconds=-10)),
                ("open", DAD, timedelta(hours=1)),
            )
        ],
    }
    reply_at(simulator, STRANGER, "y", now - timedelta(seconds=20))
    ends = await attach(hass, {}, "eims.reply_received")
    sim_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(sim_entry.entry_id)
    await hass.async_block_till_done()
    assert sorted((end["ask_id"], end["choice"]) for end in ends) == [
        ("expired", None),
        ("late", "yes"),
    ]

    inject(simulator, MUM, "y")
    inject(simulator, DAD, "Y")
    await async_poll(hass, freezer)
    assert sorted((end["ask_id"], end["choice"]) for end in ends) == [
        ("expired", None),
        ("late", "yes"),
        ("open", "yes"),
    ]


async def test_removing_the_entry_forgets_its_questions(
    hass: HomeAssistant, family_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Deleting the account deletes its open questions."""
    await ask(hass, family_entry, to=MUM, question="Still there?")
    assert await hass.config_entries.async_unload(family_entry.entry_id)
    assert store_key(family_entry.entry_id, StoreName.QUESTIONS) in hass_storage
    await hass.config_entries.async_remove(family_entry.entry_id)
    await hass.async_block_till_done()
    assert store_key(family_entry.entry_id, StoreName.QUESTIONS) not in hass_storage


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"choices": {"1": "disarm", " 1. ": "ignore"}}, "ask_choice_twice"),
        ({"choices": ["yes", "!!"]}, "ask_choice_empty"),
        ({"choices": {"1": " "}}, "ask_choice_empty"),
        ({"timeout": 0}, "ask_timeout_out_of_range"),
        ({"timeout": {"days": 8}}, "ask_timeout_out_of_range"),
        ({"to": ["Neighbours", MUM]}, "ask_unknown_to"),
        ({"to": []}, "no_numbers"),
        ({"config_entry_id": "nope"}, "service_config_entry_not_found"),
    ],
)
async def test_refused_before_sending(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    data: dict[str, Any],
    key: str,
) -> None:
    """A question that cannot work is refused with a translated error; nothing is sent."""
    with pytest.raises(ServiceValidationError) as err:
        await ask(hass, family_entry, **{"to": MUM, "question": "Hello?", **data})
    assert err.value.translation_key == key
    assert sent(simulator) == []
    assert family_entry.runtime_data.account.questions.pending == 0


async def test_not_accepted_for_anyone(
    hass: HomeAssistant, family_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """When the gateway takes the question for none of the numbers, nobody can answer it."""
    simulator.state.accounts["demo"].outcomes[MUM.removeprefix("+")] = Outcome.parse(
        "rejected"
    )
    with pytest.raises(HomeAssistantError) as err:
        await ask(hass, family_entry, to=MUM, question="Hello?")
    assert err.value.translation_key == "ask_not_sent"
    assert family_entry.runtime_data.account.questions.pending == 0


async def test_reply_not_passed_to_assist(
    hass: HomeAssistant,
    sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Assist answers a trusted number's SMS, but not the one that answers a question."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, conversation.DOMAIN, {})
    agent_entry = MockConfigEntry(domain="test")
    agent_entry.add_to_hass(hass)
    echo = EchoAgent()
    conversation.async_set_agent(hass, agent_entry, echo)
    sim_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        sim_entry,
        options={
            CONF_ASSIST: {
                CONF_ENABLED: True,
                CONF_TRUSTED_NUMBERS: [MUM],
                CONF_AGENT_ID: agent_entry.entry_id,
                CONF_LANGUAGE: "en",
                CONF_RATE_LIMIT: DEFAULT_RATE_LIMIT,
            }
        },
    )
    assert await hass.config_entries.async_setup(sim_entry.entry_id)
    await hass.async_block_till_done()

    await ask(hass, sim_entry, to=MUM, question=ALARM, choices=CHOICES)
    inject(simulator, MUM, "2")
    inject(simulator, MUM, "Is the back door locked?")
    await async_poll(hass, freezer)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [spoken.text for spoken in echo.inputs] == ["Is the back door locked?"]


def test_logbook(hass: HomeAssistant) -> None:
    """An answer reads "“<question>” answered by <number>: <choice>"; a timeout says so."""
    described: dict[str, Callable[[Event], dict[str, str]]] = {}
    logbook.async_describe_events(
        hass, lambda domain, event_type, fn: described.setdefault(event_type, fn)
    )
    describe = described[EVENT_REPLY_RECEIVED]
    data = {
        "entry_id": "gone",
        "ask_id": "01JQUESTIONID",
        "question": ALARM,
        "number": MUM,
        "choice": "disarm",
    }
    assert describe(Event(EVENT_REPLY_RECEIVED, {**data, "timed_out": False})) == {
        "name": "EIMS",
        "message": f"“{ALARM}” answered by {MUM}: disarm",
        "icon": "mdi:message-reply-text",
    }
    timed_out = {**data, "number": None, "choice": None, "timed_out": True}
    assert describe(Event(EVENT_REPLY_RECEIVED, timed_out)) == {
        "name": "EIMS",
        "message": f"“{ALARM}” got no reply in time",
        "icon": "mdi:message-question",
    }


async def test_reply_read_during_reload_answers(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """A reply in a getsms page the reload waits for still answers its question."""
    ends = await attach(hass, {}, "eims.reply_received")
    await ask(
        hass,
        init_sim_entry,
        to=DAD,
        question="Home? yes/no",
        choices=["yes", "no"],
        ask_id="home",
    )
    inject(simulator, DAD, "yes")
    # The gateway hands the reply out, forgets it and holds the answer back (in real time).
    simulator.state.add_fault(
        {"kind": "hold", "seconds": 0.5, "endpoint": "getsms", "count": 1}
    )
    async_fire_time_changed(
        hass, dt_util.utcnow() + UPDATE_INTERVAL + timedelta(seconds=1)
    )
    async with asyncio.timeout(10):
        while simulator.state.accounts["demo"].inbound:
            await asyncio.sleep(0.01)
    assert await hass.config_entries.async_reload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert [(end["ask_id"], end["choice"]) for end in ends] == [("home", "yes")]
