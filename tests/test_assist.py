"""Assist over SMS: trusted numbers reach the agent, its answer goes back by SMS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
import logging
from typing import Any, Literal
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import intent, issue_registry as ir
from homeassistant.helpers.chat_session import CONVERSATION_TIMEOUT
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims.account.receive import EVENT_SMS_RECEIVED
from custom_components.eims.assist import EVENT_ASSIST_EXCHANGE, settings_from_options
from custom_components.eims.assist_guards import RATE_WINDOW
from custom_components.eims.const import (
    CONF_AGENT_ID,
    CONF_ASSIST,
    CONF_ENABLED,
    CONF_LANGUAGE,
    CONF_RATE_LIMIT,
    CONF_TRUSTED_NUMBERS,
    DEFAULT_AGENT_ID,
    DEFAULT_RATE_LIMIT,
    DOMAIN,
)
from custom_components.eims.diagnostics import async_get_config_entry_diagnostics
from custom_components.eims.issues import ASSIST_RATE_LIMITED
from custom_components.eims.segments import SegmentInfo, count_segments
from custom_components.eims.text import shorten
from simulator.testing import RunningSimulator

from .common import async_poll, async_set_up_account

TRUSTED = "+447911123456"
MASKED = "+447*******56"
STRANGER = "+447400123456"
SECOND = "+8613800000001"
ISSUE_ID = f"{ASSIST_RATE_LIMITED}_{{}}"


class EchoAgent(conversation.AbstractConversationAgent):
    """An agent that repeats what it was told and remembers every input."""

    def __init__(self) -> None:
        """Start with no conversation."""
        self.inputs: list[conversation.ConversationInput] = []
        self.answer: str | None = None

    @property
    def supported_languages(self) -> Literal["*"]:
        """Speak every language."""
        return "*"

    async def async_process(
        self, user_input: conversation.ConversationInput
    ) -> conversation.ConversationResult:
        """Answer with the text, in a conversation numbered by the first input."""
        self.inputs.append(user_input)
        response = intent.IntentResponse(language=user_input.language)
        response.async_set_speech(
            self.answer if self.answer is not None else f"You said: {user_input.text}"
        )
        return conversation.ConversationResult(
            response=response,
            conversation_id=user_input.conversation_id or f"conv-{len(self.inputs)}",
        )


@pytest.fixture
async def agent(hass: HomeAssistant) -> tuple[EchoAgent, str]:
    """A fake conversation agent, registered; returns it and its agent id."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, conversation.DOMAIN, {})
    agent_entry = MockConfigEntry(domain="test")
    agent_entry.add_to_hass(hass)
    echo = EchoAgent()
    conversation.async_set_agent(hass, agent_entry, echo)
    return echo, agent_entry.entry_id


@pytest.fixture
def assist_options(agent: tuple[EchoAgent, str]) -> dict[str, Any]:
    """The Assist section as the options flow stores it."""
    return {
        CONF_ENABLED: True,
        CONF_TRUSTED_NUMBERS: [TRUSTED],
        CONF_AGENT_ID: agent[1],
        CONF_LANGUAGE: "en",
        CONF_RATE_LIMIT: DEFAULT_RATE_LIMIT,
    }


@pytest.fixture
def sim_entry(
    sim_entry: MockConfigEntry, assist_options: dict[str, Any]
) -> MockConfigEntry:
    """The simulator's entry with Assist over SMS set up."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=sim_entry.title,
        unique_id=sim_entry.unique_id,
        data=dict(sim_entry.data),
        options={CONF_ASSIST: assist_options},
        version=1,
        minor_version=1,
    )


def inject(simulator: RunningSimulator, sender: str, *texts: str) -> None:
    """Queue SMS on the simulator as a gateway stores them: digits without "+"."""
    account = simulator.state.accounts["demo"]
    for text in texts:
        simulator.state.add_inbound(account, sender=sender, content=text)


def replies(simulator: RunningSimulator) -> list[tuple[str, str]]:
    """Return (number, text) of every SMS sent through the simulator."""
    return [
        (message.number, message.content)
        for message in simulator.state.messages.values()
    ]


async def receive(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    sender: str,
    *texts: str,
) -> None:
    """Queue SMS on the gateway and let the next poll fetch them, the bridge answer them."""
    inject(simulator, sender, *texts)
    await async_poll(hass, freezer)


def fire_bus_event(hass: HomeAssistant, entry_id: str, sender: str, text: str) -> None:
    """Fire what looks like a received SMS on the bus, as any automation could."""
    hass.bus.async_fire(
        EVENT_SMS_RECEIVED,
        {"entry_id": entry_id, "id": 1, "sender": sender, "text": text},
    )


async def test_trusted_sender_is_answered(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An SMS from a trusted number goes through the real inbox to the agent and back."""
    echo, agent_id = agent
    exchanges = async_capture_events(hass, EVENT_ASSIST_EXCHANGE)
    inject(simulator, TRUSTED.removeprefix("+"), "Turn on the kitchen light")
    await async_poll(hass, freezer)

    assert [(i.text, i.language, i.conversation_id) for i in echo.inputs] == [
        ("Turn on the kitchen light", "en", None)
    ]
    assert [
        (number.removeprefix("+"), text) for number, text in replies(simulator)
    ] == [(TRUSTED.removeprefix("+"), "You said: Turn on the kitchen light")]
    assert [event.data for event in exchanges] == [
        {
            "entry_id": init_sim_entry.entry_id,
            "sender": TRUSTED,
            "text": "Turn on the kitchen light",
            "reply": "You said: Turn on the kitchen light",
            "agent_id": agent_id,
            "conversation_id": "conv-1",
        }
    ]


async def test_untrusted_sender_is_not_passed_on(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Another number's SMS is still announced but never reaches the agent."""
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    exchanges = async_capture_events(hass, EVENT_ASSIST_EXCHANGE)
    inject(simulator, STRANGER.removeprefix("+"), "Unlock the front door")
    await async_poll(hass, freezer)

    assert [event.data["text"] for event in received] == ["Unlock the front door"]
    assert agent[0].inputs == []
    assert replies(simulator) == []
    assert exchanges == []


async def test_rate_limit_holds_under_a_burst(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """50 SMS at once: 5 answers, one notice, one repair issue, gone after a minute."""
    echo = agent[0]
    issue_id = ISSUE_ID.format(init_sim_entry.entry_id)
    texts = [f"secret burst {index}" for index in range(50)]
    inject(simulator, TRUSTED.removeprefix("+"), *texts)
    with caplog.at_level(logging.DEBUG):
        await async_poll(hass, freezer)

    assert [i.text for i in echo.inputs] == texts[:DEFAULT_RATE_LIMIT]
    assert len(replies(simulator)) == DEFAULT_RATE_LIMIT
    notices = [r for r in caplog.records if "within a minute" in r.getMessage()]
    assert len(notices) == 1
    assert notices[0].levelno == logging.WARNING
    assert MASKED in notices[0].getMessage()
    # Our logs: no message text at INFO or above, no full number at any level.
    for record in caplog.records:
        if not record.name.startswith("custom_components.eims"):
            continue
        message = record.getMessage()
        assert TRUSTED.removeprefix("+") not in message
        if record.levelno >= logging.INFO:
            assert "secret burst" not in message
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == ASSIST_RATE_LIMITED
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["sender"] == MASKED
    assert issue.translation_placeholders["limit"] == str(DEFAULT_RATE_LIMIT)
    assert len(issue_registry.issues) == 1

    # More from the same sender within the window: still held back, no new notice.
    inject(simulator, TRUSTED.removeprefix("+"), "one more")
    caplog.clear()
    await async_poll(hass, freezer)
    assert len(echo.inputs) == DEFAULT_RATE_LIMIT
    assert not [r for r in caplog.records if "within a minute" in r.getMessage()]

    # Once the first answers are a minute old the issue goes and the sender is heard.
    freezer.tick(RATE_WINDOW)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    inject(simulator, TRUSTED.removeprefix("+"), "are you back?")
    await async_poll(hass, freezer)
    assert echo.inputs[-1].text == "are you back?"


async def test_conversation_keeps_its_context(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A follow-up continues the sender's conversation until the agent forgets it."""
    echo = agent[0]
    inject(simulator, TRUSTED.removeprefix("+"), "Turn on the light")
    await async_poll(hass, freezer)
    inject(simulator, TRUSTED.removeprefix("+"), "And the fan")
    await async_poll(hass, freezer)
    freezer.tick(CONVERSATION_TIMEOUT + timedelta(seconds=1))
    inject(simulator, TRUSTED.removeprefix("+"), "Hello again")
    await async_poll(hass, freezer)

    assert [(i.text, i.conversation_id) for i in echo.inputs] == [
        ("Turn on the light", None),
        ("And the fan", "conv-1"),
        ("Hello again", None),
    ]


async def test_follow_ups_in_one_poll_wait_for_each_other(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Two SMS fetched together are answered in order, the second in the first's conversation."""
    inject(simulator, TRUSTED.removeprefix("+"), "first", "second")
    await async_poll(hass, freezer)
    assert [(i.text, i.conversation_id) for i in agent[0].inputs] == [
        ("first", None),
        ("second", "conv-1"),
    ]


@pytest.mark.parametrize(
    "assist_options",
    [
        {},
        {CONF_ENABLED: False, CONF_TRUSTED_NUMBERS: [TRUSTED]},
        {CONF_ENABLED: True, CONF_TRUSTED_NUMBERS: []},
    ],
    ids=["no_options", "off", "no_trusted_numbers"],
)
async def test_off_means_no_agent_call(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With the option off, even a listed number's SMS is only announced."""
    received = async_capture_events(hass, EVENT_SMS_RECEIVED)
    inject(simulator, TRUSTED.removeprefix("+"), "Turn on the light")
    await async_poll(hass, freezer)
    assert len(received) == 1
    # Our agent heard nothing, and nothing went back to the sender.
    assert agent[0].inputs == []
    assert replies(simulator) == []


async def test_long_answer_is_cut_to_three_segments(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 2,000-character answer is cut to 3 segments, marked in GSM-7 so it stays GSM-7."""
    agent[0].answer = "word " * 400
    inject(simulator, TRUSTED.removeprefix("+"), "Tell me everything")
    await async_poll(hass, freezer)
    [(_, text)] = replies(simulator)
    assert count_segments(text) == SegmentInfo("GSM-7", 3 * 153, 3)
    assert text.startswith("word word")
    assert text.endswith("...")
    assert "word " * 91 in text


async def test_empty_answer_sends_nothing(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An agent that says nothing costs no SMS; the exchange is still recorded."""
    agent[0].answer = ""
    exchanges = async_capture_events(hass, EVENT_ASSIST_EXCHANGE)
    inject(simulator, TRUSTED.removeprefix("+"), "Turn off everything")
    await async_poll(hass, freezer)
    assert replies(simulator) == []
    assert [event.data["reply"] for event in exchanges] == [""]


async def test_unreadable_sms_is_not_passed_on(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Content that is not text (bad base64) or is blank never reaches the agent."""
    account = simulator.state.accounts["demo"]
    simulator.state.add_inbound(
        account, sender=TRUSTED.removeprefix("+"), payload="not base64!"
    )
    inject(simulator, TRUSTED.removeprefix("+"), "   ")
    await async_poll(hass, freezer)
    assert agent[0].inputs == []


async def test_missing_agent_is_logged(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    assist_options: dict[str, Any],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An agent removed since the options were saved: a warning, no SMS, no exchange."""
    conversation.async_unset_agent(hass, hass.config_entries.async_get_entry(agent[1]))
    exchanges = async_capture_events(hass, EVENT_ASSIST_EXCHANGE)
    inject(simulator, TRUSTED.removeprefix("+"), "Anyone there?")
    await async_poll(hass, freezer)
    assert replies(simulator) == []
    assert exchanges == []
    ours = [
        r.getMessage() for r in caplog.records if r.name == "custom_components.eims"
    ]
    assert any(f"could not answer {MASKED}" in message for message in ours)
    assert not any("Anyone there?" in message for message in ours)


async def test_failed_reply_is_logged(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reply the gateway refuses is logged; the exchange shows it was not sent."""
    account = simulator.state.accounts["demo"]
    account.balance = account.gift = account.balance * 0
    exchanges = async_capture_events(hass, EVENT_ASSIST_EXCHANGE)
    inject(simulator, TRUSTED.removeprefix("+"), "Turn on the light")
    await async_poll(hass, freezer)
    assert replies(simulator) == []
    assert len(exchanges) == 1
    assert f"Could not send the Assist answer to {MASKED}" in caplog.text
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_sim_entry
    )
    assert diagnostics["assist"]["exchanges"][0]["sent"] is False
    assert diagnostics["assist"]["stats"]["failed"] == 1


async def test_diagnostics_mask_and_shorten(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """Diagnostics keep the last 20 exchanges, numbers masked and texts shortened."""
    for index in range(22):
        inject(simulator, TRUSTED.removeprefix("+"), f"{index:02} " + "x" * 60)
        await async_poll(hass, freezer)
        # Three minutes apart: 20 answers an hour, within the default cap.
        freezer.tick(RATE_WINDOW * 3)
    inject(simulator, STRANGER.removeprefix("+"), "hi")
    await async_poll(hass, freezer)

    # Directly: the half hour ticked by has expired the test client's access token.
    diagnostics = await async_get_config_entry_diagnostics(hass, init_sim_entry)
    assist = diagnostics["assist"]
    assert diagnostics["entry"]["options"][CONF_ASSIST][CONF_TRUSTED_NUMBERS] == (
        "**REDACTED**"
    )
    assert assist["enabled"] is True
    assert assist["trusted_numbers"] == [MASKED]
    assert assist["agent_id"] == agent[1]
    assert assist["language"] == "en"
    assert assist["rate_limit"] == DEFAULT_RATE_LIMIT
    assert assist["rate_limited_senders"] == []
    assert assist["stats"] == {
        "answered": 22,
        "untrusted": 1,
        "undecoded": 0,
        "rate_limited": 0,
        "failed": 0,
        "own_number": 0,
        "repeated": 0,
        "capped": 0,
    }
    exchanges = assist["exchanges"]
    assert len(exchanges) == 20
    assert exchanges[0]["text"] == shorten("02 " + "x" * 60, 40)
    assert len(exchanges[0]["text"]) == 40
    assert exchanges[0]["text"].endswith("…")
    assert exchanges[-1]["sender"] == MASKED
    assert exchanges[-1]["reply"].startswith("You said: 21")
    assert exchanges[-1]["conversation_id"] == "conv-1"
    assert exchanges[-1]["sent"] is True
    assert TRUSTED.removeprefix("+") not in str(diagnostics)


async def test_diagnostics_when_off(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """An entry without the bridge says so."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert diagnostics["assist"] == {"enabled": False}


async def test_bus_events_and_national_numbers(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """Only the entry's inbox is heard; a national form of a trusted number matches."""
    hass.config.country = "GB"
    fire_bus_event(hass, init_sim_entry.entry_id, TRUSTED, "not an SMS")
    for sender, text in (
        ("07911123456", "national"),
        ("+447911123450", "near miss"),
        ("00447911123456", "dialled abroad"),
        ("07400123456", "national stranger"),
    ):
        await receive(hass, freezer, simulator, sender, text)
    assert [i.text for i in agent[0].inputs] == ["national", "dialled abroad"]


async def test_unload_stops_the_bridge_and_clears_the_issue(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """After unloading, SMS events reach no agent and no rate-limit issue stays."""
    await receive(
        hass,
        freezer,
        simulator,
        TRUSTED,
        *(f"burst {index}" for index in range(DEFAULT_RATE_LIMIT + 1)),
    )
    issue_id = ISSUE_ID.format(init_sim_entry.entry_id)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

    assert await hass.config_entries.async_unload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert init_sim_entry.state is ConfigEntryState.NOT_LOADED
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    fire_bus_event(hass, init_sim_entry.entry_id, TRUSTED, "still there?")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(agent[0].inputs) == DEFAULT_RATE_LIMIT


async def test_second_sender_keeps_the_issue(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    assist_options: dict[str, Any],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The issue stays while any trusted number is still held back."""
    entry_id = init_sim_entry.entry_id
    hass.config_entries.async_update_entry(
        init_sim_entry,
        options={
            CONF_ASSIST: {**assist_options, CONF_TRUSTED_NUMBERS: [TRUSTED, SECOND]}
        },
    )
    assert await hass.config_entries.async_reload(entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    issue_id = ISSUE_ID.format(entry_id)
    # Two bursts one poll apart: each number is held back for a minute from its own.
    await receive(
        hass,
        freezer,
        simulator,
        TRUSTED,
        *(f"first {index}" for index in range(DEFAULT_RATE_LIMIT + 1)),
    )
    await receive(
        hass,
        freezer,
        simulator,
        SECOND,
        *(f"second {index}" for index in range(DEFAULT_RATE_LIMIT + 1)),
    )
    await async_poll(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    await async_poll(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_conversation_integration_missing(
    hass: HomeAssistant,
    sim_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Without the conversation integration the entry loads and Assist stays off."""
    with patch(
        "custom_components.eims.assist.async_setup_component", return_value=False
    ):
        sim_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(sim_entry.entry_id)
        await hass.async_block_till_done()
    assert sim_entry.state is ConfigEntryState.LOADED
    assert "conversation integration is not set up" in caplog.text


def test_settings_defaults(hass: HomeAssistant) -> None:
    """Unset agent, language and limit fall back to the built-in agent and HA's language."""
    hass.config.language = "de"
    settings = settings_from_options(
        hass,
        {CONF_ASSIST: {CONF_ENABLED: True, CONF_TRUSTED_NUMBERS: ["+49 30 1234567"]}},
    )
    assert settings is not None
    assert settings.trusted_numbers == ("+49301234567",)
    assert settings.agent_id == DEFAULT_AGENT_ID == "conversation.home_assistant"
    assert settings.language == "de"
    assert settings.rate_limit == DEFAULT_RATE_LIMIT


async def test_options_flow(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The options' Assist section: numbers normalised, errors explained."""
    hass.config.country = "GB"
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert result["type"] is FlowResultType.FORM
    base = {"currency": "none", "gateway_time_zone": "UTC"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            **base,
            CONF_ASSIST: {
                CONF_ENABLED: True,
                CONF_TRUSTED_NUMBERS: ["07911 123456", "call me"],
            },
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_trusted_numbers"}
    assert result["description_placeholders"]["numbers"] == "call me"

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {**base, CONF_ASSIST: {CONF_ENABLED: True, CONF_TRUSTED_NUMBERS: []}},
    )
    assert result["errors"] == {"base": "no_trusted_numbers"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            **base,
            CONF_ASSIST: {
                CONF_ENABLED: True,
                CONF_TRUSTED_NUMBERS: ["07911 123456", "+44 7911 123456"],
                CONF_RATE_LIMIT: 3,
            },
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_ASSIST] == {
        CONF_ENABLED: True,
        CONF_TRUSTED_NUMBERS: [TRUSTED],
        CONF_AGENT_ID: DEFAULT_AGENT_ID,
        CONF_LANGUAGE: hass.config.language,
        CONF_RATE_LIMIT: 3,
        "replies_per_hour": 20,
        "max_segments": 3,
    }


async def test_options_flow_keeps_assist_off_by_default(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A form sent without the Assist section stores it off."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"currency": "none", "gateway_time_zone": "UTC"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # The save reloads the entry: let it end with the test.
    await hass.async_block_till_done()
    assert init_integration.options[CONF_ASSIST][CONF_ENABLED] is False
    assert init_integration.options[CONF_ASSIST][CONF_TRUSTED_NUMBERS] == []


OWN = "+447911123499"


def _sent_to(simulator: RunningSimulator, number: str) -> list[str]:
    """Return the texts sent to `number`, in order."""
    return [text for to, text in replies(simulator) if to == number.removeprefix("+")]


type SetUp = Callable[..., Awaitable[MockConfigEntry]]


@pytest.fixture
def set_up(
    hass: HomeAssistant, sim_entry: MockConfigEntry, assist_options: dict[str, Any]
) -> SetUp:
    """Return what sets the simulator's entry up with the Assist options changed."""

    async def set_up_with(**changes: Any) -> MockConfigEntry:
        return await async_set_up_account(
            hass, sim_entry, options={CONF_ASSIST: {**assist_options, **changes}}
        )

    return set_up_with


@pytest.mark.parametrize(
    "simulator_options",
    [{"getsms_receiver": True, "receiver": OWN.removeprefix("+")}],
)
async def test_own_number_trusted_gets_no_reply(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    set_up: SetUp,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The gateway's own number (a v3.5 row's `to`) is trusted, yet never answered."""
    entry = await set_up(**{CONF_TRUSTED_NUMBERS: [TRUSTED, OWN]})
    inject(simulator, OWN.removeprefix("+"), "You said: status")
    await async_poll(hass, freezer)
    # Whatever reaches the own number comes back as an SMS from it, as on a real gateway.
    for _ in range(20):
        for text in _sent_to(simulator, OWN):
            inject(simulator, OWN.removeprefix("+"), text)
        await async_poll(hass, freezer)
    assert _sent_to(simulator, OWN) == []
    assert agent[0].inputs == []

    # Other trusted numbers are still answered.
    inject(simulator, TRUSTED.removeprefix("+"), "status")
    await async_poll(hass, freezer)
    assert _sent_to(simulator, TRUSTED) == ["You said: status"]
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["assist"]["stats"]["own_number"] == 1
    assert diagnostics["assist"]["gateway_numbers"] == ["447*******99"]


async def test_quoting_agent_stays_within_the_cap(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    set_up: SetUp,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An auto-responder that texts every answer back, to an agent that quotes: 3 segments."""
    await set_up(**{CONF_TRUSTED_NUMBERS: [TRUSTED, SECOND]})
    inject(simulator, SECOND.removeprefix("+"), "Hello Ω " + "x" * 300)
    await async_poll(hass, freezer)
    for _ in range(30):
        if answers := _sent_to(simulator, SECOND):
            inject(simulator, SECOND.removeprefix("+"), answers[-1])
        await async_poll(hass, freezer)
    answers = _sent_to(simulator, SECOND)
    assert all(count_segments(text).segments <= 3 for text in answers)
    assert all(count_segments(text).encoding == "GSM-7" for text in answers)
    assert answers[1].startswith("You said: You said: Hello")
    # The loop runs into the hourly cap: 20 answers of at most 3 segments, not 318 segments.
    assert len(answers) == 20


async def test_same_answer_not_sent_twice_in_ten_minutes(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    set_up: SetUp,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An identical answer to the same number waits 10 minutes (longer than the send guard)."""
    entry = await set_up()
    agent[0].answer = "Done."
    for text, wait in (("lights on", 2), ("lights off", 9), ("lights on", 0)):
        inject(simulator, TRUSTED.removeprefix("+"), text)
        await async_poll(hass, freezer)
        freezer.tick(timedelta(minutes=wait))
    assert _sent_to(simulator, TRUSTED) == ["Done.", "Done."]
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["assist"]["stats"]["repeated"] == 1


async def test_replies_per_hour_cap(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    simulator: RunningSimulator,
    set_up: SetUp,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Past the hourly cap across numbers nothing is asked or sent; it ends after the hour."""
    entry = await set_up(
        **{CONF_TRUSTED_NUMBERS: [TRUSTED, SECOND], "replies_per_hour": 3},
    )
    for index in range(5):
        sender = (TRUSTED, SECOND)[index % 2]
        inject(simulator, sender.removeprefix("+"), f"question {index}")
        await async_poll(hass, freezer)
    assert len(replies(simulator)) == 3
    assert len(agent[0].inputs) == 3
    issue_id = f"assist_reply_cap_{entry.entry_id}"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["limit"] == "3"

    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    inject(simulator, TRUSTED.removeprefix("+"), "question 5")
    # The hour's jump moved the poll's schedule: two cycles make sure it ran.
    await async_poll(hass, freezer)
    await async_poll(hass, freezer)
    assert len(replies(simulator)) == 4
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["assist"]["stats"]["capped"] == 2


@pytest.mark.usefixtures("in_the_uk")
async def test_emergency_number_never_answered(
    hass: HomeAssistant,
    agent: tuple[EchoAgent, str],
    assist_options: dict[str, Any],
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An emergency number among the trusted ones (saved before they were refused) gets no reply."""
    echo, _ = agent
    hass.config_entries.async_update_entry(
        init_sim_entry,
        options={
            CONF_ASSIST: {**assist_options, CONF_TRUSTED_NUMBERS: ["999", TRUSTED]}
        },
    )
    assert await hass.config_entries.async_reload(init_sim_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    inject(simulator, "999", "Turn on the lights")
    inject(simulator, TRUSTED.removeprefix("+"), "Turn off the lights")
    await async_poll(hass, freezer)
    assert [query.text for query in echo.inputs] == ["Turn off the lights"]
    assert [number.removeprefix("+") for number, _ in replies(simulator)] == [
        TRUSTED.removeprefix("+")
    ]
