"""Assist over SMS: trusted numbers text a conversation agent and get its answer back by SMS."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

from homeassistant.components import conversation
from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.chat_session import CONVERSATION_TIMEOUT
from homeassistant.helpers.event import async_call_later
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import phonenumbers

from .api import InboundSms
from .const import (
    CONF_AGENT_ID,
    CONF_ASSIST,
    CONF_ENABLED,
    CONF_LANGUAGE,
    CONF_MAX_SEGMENTS,
    CONF_RATE_LIMIT,
    CONF_REPLIES_PER_HOUR,
    CONF_TRUSTED_NUMBERS,
    DEFAULT_AGENT_ID,
    DEFAULT_MAX_SEGMENTS,
    DEFAULT_RATE_LIMIT,
    DEFAULT_REPLIES_PER_HOUR,
    DOMAIN,
    LOGGER,
)
from .coordinator import EimsConfigEntry
from .inbox import SmsInbox
from .issues import (
    ASSIST_RATE_LIMITED,
    ASSIST_REPLY_CAP,
    async_clear_issues,
    async_raise_issue,
)
from .numbers import digits_of, mask_number, normalise_number, normalise_numbers
from .segments import cut_to_segments
from .sending import OutgoingMessage, async_send
from .text import shorten

RATE_WINDOW: Final = timedelta(minutes=1)
REPLY_CAP_WINDOW: Final = timedelta(hours=1)
# The same answer to the same number goes once in this time: a loop repeats itself.
REPEAT_WINDOW: Final = timedelta(minutes=10)

EVENT_ASSIST_EXCHANGE: Final = f"{DOMAIN}_assist_exchange"
ORIGIN_ASSIST: Final = "assist"

# Diagnostics keep this many exchanges, their texts cut to this many characters.
HISTORY_SIZE: Final = 20
DIAGNOSTICS_TEXT_LENGTH: Final = 40


@dataclass(frozen=True, kw_only=True)
class AssistSettings:
    """How an entry's bridge answers: who may text, which agent answers and how often."""

    trusted_numbers: tuple[str, ...]
    agent_id: str
    language: str
    rate_limit: int
    replies_per_hour: int = DEFAULT_REPLIES_PER_HOUR
    max_segments: int = DEFAULT_MAX_SEGMENTS


@dataclass(frozen=True, kw_only=True)
class Exchange:
    """One message answered by the agent, as kept for diagnostics."""

    at: datetime
    sender: str
    text: str
    reply: str
    agent_id: str
    conversation_id: str | None
    sent: bool

    def as_diagnostics(self) -> dict[str, Any]:
        """Return the exchange with the number masked and the texts shortened."""
        return {
            "at": self.at.isoformat(),
            "sender": mask_number(self.sender),
            "text": shorten(self.text, DIAGNOSTICS_TEXT_LENGTH),
            "reply": shorten(self.reply, DIAGNOSTICS_TEXT_LENGTH),
            "agent_id": self.agent_id,
            "conversation_id": self.conversation_id,
            "sent": self.sent,
        }


@dataclass(slots=True)
class _Conversation:
    """The agent's conversation with one sender, and when it last spoke."""

    conversation_id: str | None
    updated_at: datetime


@dataclass(slots=True)
class BridgeStats:
    """What the bridge has done since it started, for diagnostics."""

    answered: int = 0
    untrusted: int = 0
    undecoded: int = 0
    rate_limited: int = 0
    failed: int = 0
    own_number: int = 0
    repeated: int = 0
    capped: int = 0


def settings_from_options(
    hass: HomeAssistant, options: Mapping[str, Any]
) -> AssistSettings | None:
    """Return the bridge's settings; None when it is off or trusts no number."""
    assist = options.get(CONF_ASSIST) or {}
    if not assist.get(CONF_ENABLED):
        return None
    trusted = normalise_numbers(
        assist.get(CONF_TRUSTED_NUMBERS) or [], country=hass.config.country, plus=True
    ).valid
    if not trusted:
        return None
    return AssistSettings(
        trusted_numbers=tuple(trusted),
        agent_id=assist.get(CONF_AGENT_ID) or DEFAULT_AGENT_ID,
        language=assist.get(CONF_LANGUAGE) or hass.config.language,
        rate_limit=int(assist.get(CONF_RATE_LIMIT) or DEFAULT_RATE_LIMIT),
        replies_per_hour=int(
            assist.get(CONF_REPLIES_PER_HOUR) or DEFAULT_REPLIES_PER_HOUR
        ),
        max_segments=int(assist.get(CONF_MAX_SEGMENTS) or DEFAULT_MAX_SEGMENTS),
    )


class AssistBridge:
    """Pass the SMS of trusted numbers to a conversation agent and text its answers back."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EimsConfigEntry,
        inbox: SmsInbox,
        settings: AssistSettings,
    ) -> None:
        """Create the bridge of one entry; `async_start` subscribes it to the inbox."""
        self._hass = hass
        self._entry = entry
        self._inbox = inbox
        self.settings = settings
        self._trusted = {
            digits_of(number): number for number in settings.trusted_numbers
        }
        self._conversations: dict[str, _Conversation] = {}
        self._accepted: dict[str, deque[datetime]] = {}
        # Rate-limited senders, each with the timer that lets it in again.
        self._limited: dict[str, CALLBACK_TYPE] = {}
        # One exchange at a time per sender, so a follow-up waits for its conversation id.
        self._locks: dict[str, asyncio.Lock] = {}
        self.exchanges: deque[Exchange] = deque(maxlen=HISTORY_SIZE)
        self.stats = BridgeStats()
        # The gateway's own receiving numbers (digits), learnt from the `to` of received SMS.
        self._own: set[str] = set()
        # When each answer of the last hour went, across numbers; the timer that ends the cap.
        self._replies: deque[datetime] = deque()
        self._cap_timer: CALLBACK_TYPE | None = None
        # The last answers to each number and when: an identical one is not sent again.
        self._answered: dict[tuple[str, str], datetime] = {}

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Listen to the entry's received SMS; return the function that stops the bridge."""
        # A reply to a question asked with eims.ask is for the automation that asked.
        unsubscribe = self._inbox.async_add_listener(
            self._async_received, with_replies=False
        )

        @callback
        def stop() -> None:
            unsubscribe()
            for cancel in self._limited.values():
                cancel()
            self._limited.clear()
            if self._cap_timer is not None:
                self._cap_timer()
                self._cap_timer = None
            async_clear_issues(
                self._hass, self._entry, ASSIST_RATE_LIMITED, ASSIST_REPLY_CAP
            )

        return stop

    @property
    def limited_senders(self) -> list[str]:
        """Return the trusted numbers held back by the rate limit right now."""
        return list(self._limited)

    @callback
    def _async_received(self, sms: InboundSms) -> None:
        """Admit an SMS of a trusted number, in the order they arrive, then answer it."""
        sender = sms.sender
        if sms.receiver:
            self._own.add(digits_of(sms.receiver))
        if digits_of(sender) in self._own:
            # The gateway texting itself (its number trusted): answering would never end.
            self.stats.own_number += 1
            LOGGER.debug(
                "Not answering SMS from the gateway's own number %s",
                mask_number(sender),
            )
            return
        if (number := self._trusted_number(sender)) is None:
            self.stats.untrusted += 1
            LOGGER.debug(
                "Not passing SMS from untrusted %s to Assist", mask_number(sender)
            )
            return
        text = sms.text
        if not sms.decoded or not text.strip():
            self.stats.undecoded += 1
            LOGGER.debug(
                "Not passing unreadable SMS from %s to Assist", mask_number(number)
            )
            return
        if not self._admit(number):
            return
        self._entry.async_create_background_task(
            self._hass,
            self._async_exchange(number, text),
            f"{DOMAIN} assist reply to {mask_number(number)}",
        )

    def _trusted_number(self, sender: str) -> str | None:
        """Return the trusted number `sender` is, comparing digits, or None."""
        if (number := self._trusted.get(digits_of(sender))) is not None:
            return number
        if sender.strip().startswith(("+", "00")):
            return None
        # A national form ("07911 123456"): its country's metadata was loaded at setup.
        normalised = normalise_number(
            sender, country=self._hass.config.country, plus=True
        )
        return self._trusted.get(digits_of(normalised)) if normalised else None

    def _admit(self, number: str) -> bool:
        """Count a message against the sender's sliding window; False when over the limit."""
        now = dt_util.utcnow()
        window = self._accepted.setdefault(number, deque())
        while window and now - window[0] >= RATE_WINDOW:
            window.popleft()
        if len(window) < self.settings.rate_limit:
            window.append(now)
            return True
        self.stats.rate_limited += 1
        if number not in self._limited:
            LOGGER.warning(
                "%s sent more than %s messages to Assist within a minute: not answering it"
                " until it slows down (an auto-responder answering the replies?)",
                mask_number(number),
                self.settings.rate_limit,
            )
            async_raise_issue(
                self._hass,
                self._entry,
                ASSIST_RATE_LIMITED,
                sender=mask_number(number),
                limit=str(self.settings.rate_limit),
            )
            # Dropped messages do not count: the sender is let in once its oldest answer ages out.
            self._limited[number] = async_call_later(
                self._hass,
                window[0] + RATE_WINDOW - now,
                partial(self._async_release, number),
            )
        return False

    @callback
    def _async_release(self, number: str, _now: datetime) -> None:
        """Let a sender in again; the repair goes once no sender is held back."""
        self._limited.pop(number, None)
        LOGGER.debug("%s is under the Assist rate limit again", mask_number(number))
        if not self._limited:
            async_clear_issues(self._hass, self._entry, ASSIST_RATE_LIMITED)

    async def _async_exchange(self, number: str, text: str) -> None:
        """Ask the agent, text its answer back and record the exchange."""
        lock = self._locks.setdefault(number, asyncio.Lock())
        async with lock:
            settings = self.settings
            if (reserved := self._reserve_reply()) is None:
                return
            try:
                result = await conversation.async_converse(
                    self._hass,
                    text,
                    self._conversation_id(number),
                    Context(),
                    language=settings.language,
                    agent_id=settings.agent_id,
                )
            except (HomeAssistantError, ValueError) as err:
                # ValueError: the agent was removed since the options were saved.
                self.stats.failed += 1
                LOGGER.warning(
                    "Assist agent %s could not answer %s: %s",
                    settings.agent_id,
                    mask_number(number),
                    err,
                )
                self._replies.remove(reserved)
                return
            now = dt_util.utcnow()
            self._conversations[number] = _Conversation(result.conversation_id, now)
            speech = result.response.speech.get("plain", {}).get("speech") or ""
            reply = cut_to_segments(speech.strip(), settings.max_segments)
            sent = False
            if reply and self._is_new_answer(number, reply, now):
                sent = await self._async_reply(number, reply)
            if not sent:
                self._replies.remove(reserved)
            self.stats.answered += 1
            self.exchanges.append(
                Exchange(
                    at=now,
                    sender=number,
                    text=text,
                    reply=reply,
                    agent_id=settings.agent_id,
                    conversation_id=result.conversation_id,
                    sent=sent,
                )
            )
            self._hass.bus.async_fire(
                EVENT_ASSIST_EXCHANGE,
                {
                    "entry_id": self._entry.entry_id,
                    "sender": number,
                    "text": text,
                    "reply": reply,
                    "agent_id": settings.agent_id,
                    "conversation_id": result.conversation_id,
                },
            )

    def _reserve_reply(self) -> datetime | None:
        """Count an answer against the hourly cap; None (and a repair issue) when it is full."""
        now = dt_util.utcnow()
        while self._replies and now - self._replies[0] >= REPLY_CAP_WINDOW:
            self._replies.popleft()
        if len(self._replies) < self.settings.replies_per_hour:
            self._replies.append(now)
            return now
        self.stats.capped += 1
        if self._cap_timer is None:
            LOGGER.warning(
                "Assist answered %s SMS within an hour: not answering more until the"
                " oldest is an hour old (a loop between two auto-responders?)",
                self.settings.replies_per_hour,
            )
            async_raise_issue(
                self._hass,
                self._entry,
                ASSIST_REPLY_CAP,
                limit=str(self.settings.replies_per_hour),
            )
            self._cap_timer = async_call_later(
                self._hass,
                self._replies[0] + REPLY_CAP_WINDOW - now,
                self._async_cap_ended,
            )
        return None

    @callback
    def _async_cap_ended(self, _now: datetime) -> None:
        """Answer again: the oldest answer of the hour has aged out."""
        self._cap_timer = None
        async_clear_issues(self._hass, self._entry, ASSIST_REPLY_CAP)

    def _is_new_answer(self, number: str, reply: str, now: datetime) -> bool:
        """Return False for the answer `number` got within the repeat window (noting it)."""
        self._answered = {
            key: at for key, at in self._answered.items() if now - at < REPEAT_WINDOW
        }
        if (number, reply) in self._answered:
            self.stats.repeated += 1
            LOGGER.debug(
                "Not sending %s the same Assist answer again within %s",
                mask_number(number),
                REPEAT_WINDOW,
            )
            return False
        self._answered[(number, reply)] = now
        return True

    def _conversation_id(self, number: str) -> str | None:
        """Return the sender's conversation id while the agent still remembers it."""
        known = self._conversations.get(number)
        if known is None or dt_util.utcnow() - known.updated_at > CONVERSATION_TIMEOUT:
            return None
        return known.conversation_id

    async def _async_reply(self, number: str, reply: str) -> bool:
        """Send the agent's answer; return whether the gateway accepted it."""
        try:
            outcome = await async_send(
                self._hass,
                self._entry,
                OutgoingMessage(numbers=[number], message=reply),
                ORIGIN_ASSIST,
            )
        except HomeAssistantError as err:
            self.stats.failed += 1
            LOGGER.warning(
                "Could not send the Assist answer to %s: %s", mask_number(number), err
            )
            return False
        return outcome.result.success > 0

    def as_diagnostics(self) -> dict[str, Any]:
        """Return the settings and the last exchanges, numbers masked, texts shortened."""
        return {
            "trusted_numbers": [
                mask_number(number) for number in self.settings.trusted_numbers
            ],
            "agent_id": self.settings.agent_id,
            "language": self.settings.language,
            "rate_limit": self.settings.rate_limit,
            "replies_per_hour": self.settings.replies_per_hour,
            "max_segments": self.settings.max_segments,
            "gateway_numbers": [mask_number(number) for number in sorted(self._own)],
            "rate_limited_senders": [mask_number(n) for n in self.limited_senders],
            "stats": {
                "answered": self.stats.answered,
                "untrusted": self.stats.untrusted,
                "undecoded": self.stats.undecoded,
                "rate_limited": self.stats.rate_limited,
                "failed": self.stats.failed,
                "own_number": self.stats.own_number,
                "repeated": self.stats.repeated,
                "capped": self.stats.capped,
            },
            "exchanges": [exchange.as_diagnostics() for exchange in self.exchanges],
        }


def _load_settings(
    hass: HomeAssistant, options: Mapping[str, Any]
) -> AssistSettings | None:
    """Return the settings, with the metadata to read national senders loaded."""
    if (settings := settings_from_options(hass, options)) is not None and (
        country := hass.config.country
    ):
        # libphonenumber reads each region's metadata from disk on first use.
        code = phonenumbers.country_code_for_region(country)
        for region in phonenumbers.region_codes_for_country_code(code):
            phonenumbers.PhoneMetadata.metadata_for_region(region)
    return settings


async def async_start_assist(
    hass: HomeAssistant, entry: EimsConfigEntry, inbox: SmsInbox
) -> AssistBridge | None:
    """Start the entry's bridge when its option is on; it stops when the entry unloads."""
    settings = await hass.async_add_executor_job(_load_settings, hass, entry.options)
    if settings is None:
        return None
    if not await async_setup_component(hass, conversation.DOMAIN, {}):
        LOGGER.warning(
            "Assist over SMS is off: the conversation integration is not set up"
        )
        return None
    bridge = AssistBridge(hass, entry, inbox, settings)
    entry.async_on_unload(bridge.async_start())
    LOGGER.debug(
        "Assist over SMS answers %s trusted numbers with %s",
        len(settings.trusted_numbers),
        settings.agent_id,
    )
    return bridge
