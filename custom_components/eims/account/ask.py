"""
Questions asked by SMS: each answered by the first fitting reply or timed out, once, across restarts.

The reply's time decides, not the poll's: a question past its deadline still takes a reply
the gateway received by the deadline, until a complete read of the gateway that started
after the deadline. Then, or `LAST_CHANCE` after the deadline, it times out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, TypedDict

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.start import async_at_started
from homeassistant.util import dt as dt_util

from ..api import InboundSms
from ..const import DOMAIN, LOGGER, UPDATE_INTERVAL
from ..matching import match_choice, sender_key
from ..numbers import mask_number
from ..store import EntryStore, StoreName
from ..timestamps import utc_iso
from .receive import SmsInbox

EVENT_REPLY_RECEIVED: Final = f"{DOMAIN}_reply_received"

# Written soon after a change, and at once on unload.
QUESTIONS_SAVE_DELAY: Final = 1
# When no read of the gateway completes after the deadline (the gateway is away, polling is
# off), a question times out this long after it: a poll may fail and the next still count.
LAST_CHANCE: Final = 3 * UPDATE_INTERVAL


class _StoredQuestion(TypedDict):
    ask_id: str
    numbers: list[str]
    question: str
    choices: dict[str, str]
    asked_at: str
    expires_at: str


@dataclass(frozen=True, kw_only=True)
class Question:
    """A question sent by SMS, waiting for a reply from one of its numbers."""

    ask_id: str
    # As `sender_key` spells them, so any spelling of a reply's sender is found.
    numbers: tuple[str, ...]
    question: str
    # What a reply may say, and what it means; empty: any readable reply answers.
    choices: dict[str, str]
    asked_at: datetime
    expires_at: datetime

    def answer(self, sms: InboundSms, now: datetime) -> str | None:
        """Return the choice a reply makes (its text without choices), or None."""
        if now > self.expires_at and (
            sms.received_at is None or sms.received_at > self.expires_at
        ):
            # Read after the deadline: only a reply the gateway had by then counts.
            return None
        if not self.choices:
            return sms.text.strip() or None
        return match_choice(sms.text, self.choices)

    def to_stored(self) -> _StoredQuestion:
        """Return the question as stored."""
        return {
            "ask_id": self.ask_id,
            "numbers": list(self.numbers),
            "question": self.question,
            "choices": self.choices,
            "asked_at": self.asked_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
        }

    @classmethod
    def from_stored(cls, stored: _StoredQuestion) -> Question:
        """Read a stored question."""
        return cls(
            ask_id=stored["ask_id"],
            numbers=tuple(stored["numbers"]),
            question=stored["question"],
            choices=stored["choices"],
            asked_at=datetime.fromisoformat(stored["asked_at"]),
            expires_at=datetime.fromisoformat(stored["expires_at"]),
        )


class QuestionBook:
    """
    The questions of one account still waiting for a reply.

    The inbox offers it every SMS before announcing it: a reply that answers a question
    fires `eims_reply_received` and is marked so, and Assist leaves it alone.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str, inbox: SmsInbox) -> None:
        """Create the book; `async_load` restores the questions still open."""
        self._hass = hass
        self._entry_id = entry_id
        self._inbox = inbox
        self._store = EntryStore[list[_StoredQuestion]](
            hass, entry_id, StoreName.QUESTIONS
        )
        # Insertion-ordered: the newest question to a number is found first from the end.
        self._questions: dict[str, Question] = {}
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._started = False

    @property
    def pending(self) -> int:
        """Return how many questions wait for a reply."""
        return len(self._questions)

    async def async_load(self) -> None:
        """Restore the questions asked before a restart or reload."""
        for stored in await self._store.async_load() or []:
            question = Question.from_stored(stored)
            self._questions[question.ask_id] = question

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Take replies from the inbox and time questions out; return the stopper."""
        remove_handler = self._inbox.async_set_reply_handler(self._async_take_reply)
        remove_read_listener = self._inbox.async_add_read_listener(
            self._async_read_ended
        )

        @callback
        def async_started(_hass: HomeAssistant) -> None:
            # Questions that timed out while Home Assistant was down fire once it runs,
            # when automations listen again.
            self._started = True
            for question in self._questions.values():
                self._schedule(question)

        cancel_start = async_at_started(self._hass, async_started)

        @callback
        def async_stop() -> None:
            remove_handler()
            remove_read_listener()
            cancel_start()
            for cancel in self._timers.values():
                cancel()
            self._timers.clear()
            self._started = False

        return async_stop

    async def async_flush(self) -> None:
        """Write now (on unload), so a reload finds every open question."""
        await self._store.async_save(self._data_to_save())

    @callback
    def async_ask(self, question: Question) -> None:
        """Wait for a reply to `question`; one asked before with its id is dropped."""
        if (cancel := self._timers.pop(question.ask_id, None)) is not None:
            cancel()
        self._questions.pop(question.ask_id, None)
        self._questions[question.ask_id] = question
        if self._started:
            self._schedule(question)
        self._save()

    def _schedule(self, question: Question) -> None:
        @callback
        def async_expire(_now: datetime) -> None:
            self._timers.pop(question.ask_id, None)
            if self._questions.get(question.ask_id) is question:
                self._time_out(question)

        self._timers[question.ask_id] = async_track_point_in_utc_time(
            self._hass, async_expire, question.expires_at + LAST_CHANCE
        )

    @callback
    def _async_read_ended(self, started: datetime) -> None:
        """Time out the questions whose deadline had passed when this read began."""
        if not self._started:
            # Before Home Assistant has started, no automation would hear it.
            return
        for question in [
            question
            for question in self._questions.values()
            if question.expires_at <= started
        ]:
            self._time_out(question)

    def _time_out(self, question: Question) -> None:
        LOGGER.debug("Question %s got no reply in time", question.ask_id)
        self._close(question, number=None, text=None, choice=None)

    @callback
    def _async_take_reply(self, sms: InboundSms) -> str | None:
        """Answer the newest open question to the sender that the SMS answers."""
        if not sms.decoded or not self._questions:
            return None
        key = sender_key(sms.sender, country=self._hass.config.country)
        now = dt_util.utcnow()
        for question in reversed(self._questions.values()):
            if key not in question.numbers:
                continue
            if (choice := question.answer(sms, now)) is not None:
                LOGGER.debug(
                    "SMS %s from %s answers question %s",
                    sms.id,
                    mask_number(sms.sender),
                    question.ask_id,
                )
                self._close(question, number=sms.sender, text=sms.text, choice=choice)
                return question.ask_id
        return None

    def _close(
        self,
        question: Question,
        *,
        number: str | None,
        text: str | None,
        choice: str | None,
    ) -> None:
        """Forget the question and tell who waits for it, once."""
        del self._questions[question.ask_id]
        if (cancel := self._timers.pop(question.ask_id, None)) is not None:
            cancel()
        self._save()
        self._hass.bus.async_fire(
            EVENT_REPLY_RECEIVED,
            {
                "entry_id": self._entry_id,
                "ask_id": question.ask_id,
                "question": question.question,
                "number": number,
                "text": text,
                "choice": choice,
                "timed_out": number is None,
                "asked_at": utc_iso(question.asked_at),
            },
        )

    def _save(self) -> None:
        self._store.async_delay_save(self._data_to_save, QUESTIONS_SAVE_DELAY)

    def _data_to_save(self) -> list[_StoredQuestion]:
        return [question.to_stored() for question in self._questions.values()]
