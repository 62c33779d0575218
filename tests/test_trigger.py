"""Automation triggers: `eims.sms_received` and `eims.delivery_failed`, through the real inbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import automation
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Context, HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import trigger as trigger_helper
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)
import voluptuous as vol

from custom_components import eims
from custom_components.eims.account.recipients import is_one_of, recipient_name
from custom_components.eims.const import DOMAIN
from simulator.accounts import Outcome
from simulator.testing import RunningSimulator

from .common import async_poll
from .conftest import DAD, MUM, STRANGER


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """The gateway names the receiving number and delivery results; tests step messages."""
    return {"getsms_receiver": True, "step_seconds": 0, "report_fields": 6}


async def attach(
    hass: HomeAssistant, options: dict[str, Any], trigger: str = "eims.sms_received"
) -> list[dict[str, Any]]:
    """Attach the trigger as automations do; return the variables of each run."""
    runs: list[dict[str, Any]] = []

    @callback
    def action(run_variables: dict[str, Any], context: Context | None = None) -> None:
        runs.append(run_variables["trigger"])

    config = await trigger_helper.async_validate_trigger_config(
        hass, [{"platform": trigger, "options": options}]
    )
    remove = await trigger_helper.async_initialize_triggers(
        hass, config, action, "test", "test", lambda *args, **kwargs: None
    )
    assert remove is not None
    return runs


async def automate(
    hass: HomeAssistant, *automations: dict[str, Any]
) -> list[ServiceCall]:
    """Set up automations whose action is `test.record`; return the calls it gets."""
    calls = async_mock_service(hass, "test", "record")
    assert await async_setup_component(
        hass, automation.DOMAIN, {automation.DOMAIN: list(automations)}
    )
    return calls


def inject(simulator: RunningSimulator, sender: str, text: str) -> None:
    """Queue an SMS on the simulator's demo account; it reports numbers without "+"."""
    simulator.state.add_inbound(
        simulator.state.accounts["demo"], sender=sender, content=text
    )


@pytest.mark.parametrize(
    "spelling",
    ["+447911123456", "+44 7911 123456", "07911 123456", "447911123456", "Family"],
)
async def test_from_any_spelling(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    spelling: str,
) -> None:
    """A sender written any way (or as its recipient's name) matches; others do not."""
    runs = await attach(hass, {"from": [spelling]})
    inject(simulator, MUM, "from mum")
    inject(simulator, STRANGER, "from a stranger")
    await async_poll(hass, freezer)
    assert [run["text"] for run in runs] == ["from mum"]
    assert runs[0]["sender"] == MUM
    assert runs[0]["recipient"] == "Family"


async def test_recipient_name_covers_every_number(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A recipient's name stands for all its numbers; a name matches in any case."""
    runs = await attach(hass, {"from": ["family", "+447400 000000"]})
    for sender in (DAD, MUM, STRANGER):
        inject(simulator, sender, f"from {sender}")
    await async_poll(hass, freezer)
    assert [run["sender"] for run in runs] == [DAD, MUM]


async def test_variables(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without options every SMS triggers, with what it says in the variables."""
    runs = await attach(hass, {})
    inject(simulator, STRANGER, "Hello, world")
    await async_poll(hass, freezer)
    [run] = runs
    received_at = run.pop("received_at")
    assert isinstance(received_at, datetime)
    assert received_at.tzinfo is not None
    assert run == {
        "id": "0",
        "idx": "0",
        "alias": None,
        "description": f"SMS from {STRANGER}",
        "entry_id": family_entry.entry_id,
        "sms_id": 1,
        "sender": STRANGER,
        "recipient": None,
        "receiver": simulator.state.accounts["demo"].receiver,
        "text": "Hello, world",
        "keyword": "hello",
        "arguments": None,
        "ask_id": None,
        "platform": "eims.sms_received",
    }


@pytest.mark.parametrize(
    ("keywords", "text", "expected"),
    [
        (["GARAGE"], "garage close", ("GARAGE", "close")),
        (["garage"], "GARAGE", ("garage", "")),
        (["Garage"], "  Garage!  Open up  ", ("Garage", "Open up")),
        (["garage", "garage close"], "Garage, CLOSE.", ("garage close", "")),
        (["garage close"], "garage open", None),
        (["garage"], "garages close", None),
        (["garage"], "close the garage", None),
        (["lights", "heating"], "HEATING 21", ("heating", "21")),
    ],
)
async def test_keyword(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    keywords: list[str],
    text: str,
    expected: tuple[str, str] | None,
) -> None:
    """The first words must be a keyword, in any case; the rest are the arguments."""
    runs = await attach(hass, {"keyword": keywords})
    inject(simulator, MUM, text)
    await async_poll(hass, freezer)
    assert [(run["keyword"], run["arguments"]) for run in runs] == (
        [expected] if expected else []
    )


@pytest.mark.parametrize(
    ("pattern", "text", "groups"),
    [
        (
            r"^TEMP (?P<room>\w+) (?P<value>\d+)$",
            "TEMP kitchen 21",
            {"room": "kitchen", "value": "21"},
        ),
        (r"^TEMP (?P<room>\w+) (?P<value>\d+)$", "temp kitchen 21", None),
        (r"(?i)^temp (?P<room>\w+)", "TEMP attic now", {"room": "attic"}),
        (r"code (?P<code>\d{4})", "Your code 1234 expires", {"code": "1234"}),
        (r"code (?P<code>\d{4})", "Your code 12 expires", None),
    ],
)
async def test_pattern(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    pattern: str,
    text: str,
    groups: dict[str, str] | None,
) -> None:
    """The pattern is searched in the text; its named groups become variables."""
    runs = await attach(hass, {"pattern": pattern})
    inject(simulator, MUM, text)
    await async_poll(hass, freezer)
    if groups is None:
        assert runs == []
    else:
        [run] = runs
        assert run["text"] == text
        assert {name: run[name] for name in groups} == groups


async def test_options_combine(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """In an automation with sender, keyword and pattern set, an SMS must match all three."""
    calls = await automate(
        hass,
        {
            "triggers": {
                "trigger": "eims.sms_received",
                "options": {
                    "config_entry_id": family_entry.entry_id,
                    "from": ["Family"],
                    "keyword": ["heating"],
                    "pattern": r"(?P<degrees>\d+)",
                },
            },
            "actions": {
                "action": "test.record",
                "data": {
                    "text": "{{ trigger.text }}",
                    "degrees": "{{ trigger.degrees }}",
                },
            },
        },
    )
    inject(simulator, STRANGER, "heating 25")
    inject(simulator, MUM, "lights 20")
    inject(simulator, MUM, "heating off")
    inject(simulator, DAD, "Heating 21")
    await async_poll(hass, freezer)
    assert [dict(call.data) for call in calls] == [
        {"text": "Heating 21", "degrees": 21}
    ]


async def test_other_account_ignored(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With an account chosen, SMS of other accounts do not trigger."""
    runs = await attach(hass, {"config_entry_id": "another_entry"})
    inject(simulator, MUM, "hi")
    await async_poll(hass, freezer)
    assert runs == []


async def test_unreadable_sms_never_matches_text_options(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An SMS that is not valid text triggers plain triggers, not keyword or pattern ones."""
    calls = await automate(
        hass,
        *(
            {
                "triggers": {"trigger": "eims.sms_received", "options": options},
                "actions": {
                    "action": "test.record",
                    "data": {"by": by, "keyword": "{{ trigger.keyword }}"},
                },
            }
            for by, options in (
                ("sender", {"from": [MUM]}),
                ("keyword", {"keyword": ["aGVsbG8"]}),
                ("pattern", {"pattern": "."}),
            )
        ),
    )
    simulator.state.add_inbound(
        simulator.state.accounts["demo"], sender=MUM, payload="aGVsbG8=%%"
    )
    await async_poll(hass, freezer)
    assert [dict(call.data) for call in calls] == [{"by": "sender", "keyword": None}]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"keyword": ["  "]}, "An entry is empty"),
        ({"from": [""]}, "An entry is empty"),
        ({"unknown": 1}, "not a valid option"),
    ],
)
async def test_invalid_options(
    hass: HomeAssistant, options: dict[str, Any], error: str
) -> None:
    """Options that cannot work are refused when the automation is checked."""
    with pytest.raises(vol.Invalid, match=error):
        await trigger_helper.async_validate_trigger_config(
            hass, [{"platform": "eims.sms_received", "options": options}]
        )


@pytest.mark.parametrize(
    ("pattern", "key", "message"),
    [
        (
            "(unclosed",
            "invalid_pattern",
            (
                "The pattern is not a regular expression this trigger can use: "
                "missing ), unterminated subpattern at position 0."
            ),
        ),
        # Braces `re` reads as text are the `regex` module's fuzzy matching.
        ("x{i", "invalid_pattern", None),
        ("(" * 2000 + ")" * 2000, "invalid_pattern", None),
        (
            "(?P<text>.*) (?P<keyword>.*)",
            "pattern_group_taken",
            (
                "The pattern's group names keyword, text are trigger variables already: "
                "rename the groups."
            ),
        ),
        (
            "a{4294967294}",
            "pattern_too_large",
            (
                "The pattern is too large: it may spell out at most 5,000 characters, "
                "a repeated part counted once for each repeat."
            ),
        ),
        ("(?:(?:ab){50}){51}", "pattern_too_large", None),
        ("a" * 5001, "pattern_too_large", None),
    ],
    ids=["syntax", "fuzzy", "nested", "group", "repeat", "repeats", "length"],
)
async def test_pattern_refused(
    hass: HomeAssistant, pattern: str, key: str, message: str | None
) -> None:
    """A pattern the engine cannot take, or that spells out too much, is refused, translated."""
    with pytest.raises(ServiceValidationError) as err:
        await trigger_helper.async_validate_trigger_config(
            hass, [{"platform": "eims.sms_received", "options": {"pattern": pattern}}]
        )
    assert err.value.translation_key == key
    if message is not None:
        assert str(err.value) == message


async def test_pattern_refused_in_the_users_language(hass: HomeAssistant) -> None:
    """The error says why in Home Assistant's language: an automation shows its text alone."""
    hass.config.language = "de"
    with pytest.raises(ServiceValidationError) as err:
        await trigger_helper.async_validate_trigger_config(
            hass, [{"platform": "eims.sms_received", "options": {"pattern": "a{9999}"}}]
        )
    assert str(err.value) == (
        "Das Muster ist zu groß: Es darf höchstens 5,000 Zeichen ausschreiben, wobei ein "
        "wiederholter Teil für jede Wiederholung einmal zählt."
    )


async def test_automation_with_refused_pattern_does_not_load(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """An automation with a pattern that cannot be used stays off and the log says why."""
    await automate(
        hass,
        {
            "alias": "Hostile",
            "triggers": {
                "trigger": "eims.sms_received",
                "options": {"pattern": "(?:a{1000}){1000}"},
            },
            "actions": {"action": "test.record"},
        },
    )
    assert hass.states.get("automation.hostile").state == STATE_UNAVAILABLE
    assert (
        "Automation with alias 'Hostile' failed to setup triggers and has been disabled: "
        "The pattern is too large" in caplog.text
    )


@pytest.mark.parametrize(
    "pattern",
    [
        r"^(a+)+$",
        # Backtracks exponentially in `regex` too: only its time limit stops it.
        r"^(a|a)+$",
    ],
)
async def test_hostile_sms_cannot_stall(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    pattern: str,
) -> None:
    """A text built to backtrack does not trigger, and the SMS after it still do, in order."""
    runs = await attach(hass, {"pattern": pattern})
    inject(simulator, STRANGER, "a" * 60 + "!")
    inject(simulator, MUM, "aaaa")
    inject(simulator, DAD, "aa")
    await async_poll(hass, freezer)
    assert [run["text"] for run in runs] == ["aaaa", "aa"]
    gave_up = "gave up" in caplog.text
    assert gave_up is (pattern == r"^(a|a)+$")


async def test_pattern_runs_keep_the_order_of_the_sms(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Searches run off the event loop one at a time: the runs come in the SMS' order."""
    runs = await attach(hass, {"pattern": r"^(?P<n>\d+)$"})
    for index in range(20):
        inject(simulator, MUM, str(index))
    await async_poll(hass, freezer)
    assert [run["n"] for run in runs] == [str(index) for index in range(20)]


async def test_listed_with_descriptions(hass: HomeAssistant) -> None:
    """The triggers are registered with their fields, as the automation editor reads them."""
    await async_setup_component(hass, "homeassistant", {})
    await trigger_helper.async_validate_trigger_config(
        hass, [{"platform": "eims.sms_received"}]
    )
    descriptions = await trigger_helper.async_get_all_descriptions(hass)
    assert set(descriptions["eims.sms_received"]["fields"]) == {
        "config_entry_id",
        "from",
        "keyword",
        "pattern",
    }
    assert set(descriptions["eims.delivery_failed"]["fields"]) == {
        "config_entry_id",
        "to",
    }
    assert set(descriptions["eims.reply_received"]["fields"]) == {
        "config_entry_id",
        "ask_id",
    }


async def test_delivery_failed(
    hass: HomeAssistant,
    family_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Once per message that failed or timed out, with the reason; never for delivered."""
    outcomes = simulator.state.accounts["demo"].outcomes
    outcomes[MUM.removeprefix("+")] = Outcome.parse({"outcome": "failed", "code": 1011})
    outcomes[DAD.removeprefix("+")] = Outcome.parse("timeout")
    every = await attach(hass, {}, "eims.delivery_failed")
    dad = await attach(hass, {"to": ["07911 123457"]}, "eims.delivery_failed")
    family = await attach(
        hass,
        {"to": ["Family"], "config_entry_id": family_entry.entry_id},
        "eims.delivery_failed",
    )
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            "config_entry_id": family_entry.entry_id,
            "numbers": [MUM, DAD, STRANGER],
            "message": "Dinner is ready",
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    for _ in range(2):
        simulator.state.step_messages(steps=None)
        await async_poll(hass, freezer)

    assert [(run["number"], run["status"], run["reason"]) for run in every] == [
        (MUM, "failed", "black_number"),
        (DAD, "delivery_timeout", "delivery_timeout"),
    ]
    assert [run["number"] for run in dad] == [DAD]
    assert [run["recipient"] for run in family] == ["Family", "Family"]
    first = every[0]
    assert first["code"] == 1011
    assert first["origin"] == "action"
    assert first["entry_id"] == family_entry.entry_id
    assert first["description"] == "SMS to Family not delivered"
    assert isinstance(first["sent_at"], datetime)
    assert isinstance(first["reported_at"], datetime)


def test_removed_account_knows_no_recipient() -> None:
    """An event of an account removed since knows numbers only, not recipient names."""
    assert recipient_name(None, MUM) is None
    assert not is_one_of(None, MUM, frozenset({"family"}), country="GB")
    assert is_one_of(None, MUM, frozenset({MUM}), country="GB")


def _texts(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, f"{path}.{key}")
    else:
        yield path, node


PACKAGE = Path(eims.__file__).parent
TEXT_FILES = [
    PACKAGE / "strings.json",
    *sorted((PACKAGE / "translations").glob("*.json")),
]


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda path: path.name)
def test_texts_render_in_the_frontend(path: Path) -> None:
    """The editor renders these as ICU messages: "<" opens a tag and "{" a placeholder."""
    strings = json.loads(path.read_text())
    broken = [
        where
        for section in ("triggers", "services")
        for where, text in _texts(strings.get(section, {}), section)
        if set(text) & set("<>{}")
    ]
    assert broken == []
