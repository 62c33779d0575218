"""
Assist over SMS: trusted numbers text a conversation agent and get its answer back by SMS.

One concern at about 350 lines: the settings, who is answered, the exchange with the agent
and its record for diagnostics. The loop guards (rates, cap, repeats) are `assist_guards`'.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import partial
from typing import Any, Final

from homeassistant.components import conversation
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.chat_session import CONVERSATION_TIMEOUT
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .account import EimsAccount
from .account.outgoing import OutgoingMessage
from .api import InboundSms
from .assist_guards import AssistGuards
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
from .numbers import (
    async_parse,
    digits_of,
    load_metadata,
    mask_number,
    normalise_number,
    normalise_numbers,
)
from .text import shorten, shorten_to_segments
from .timestamps import utc_iso

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
            "at": utc_iso(self.at),
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
    failed: int = 0


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
        entry: ConfigEntry[Any],
        account: EimsAccount,
        settings: AssistSettings,
    ) -> None:
        """Create the bridge of one entry; `async_start` subscribes it to the inbox."""
        self._hass = hass
        self._entry = entry
        self._account = account
        self._inbox = account.inbox
        self.settings = settings
        self._trusted = {
            digits_of(number): number for number in settings.trusted_numbers
        }
        self._conversations: dict[str, _Conversation] = {}
        self.guards = AssistGuards(
            hass,
            entry,
            rate_limit=settings.rate_limit,
            replies_per_hour=settings.replies_per_hour,
        )
        # One exchange at a time per sender, so a follow-up waits for its conversation id.
        self._locks: dict[str, asyncio.Lock] = {}
        self.exchanges: deque[Exchange] = deque(maxlen=HISTORY_SIZE)
        self.stats = BridgeStats()

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
            self.guards.async_stop()

        return stop

    @callback
    def _async_received(self, sms: InboundSms) -> None:
        """Admit an SMS of a trusted number, in the order they arrive, then answer it."""
        sender = sms.sender
        if self.guards.from_gateway(sms):
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
        if not self.guards.admit(number):
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

    async def _async_exchange(self, number: str, text: str) -> None:
        """Ask the agent, text its answer back and record the exchange."""
        lock = self._locks.setdefault(number, asyncio.Lock())
        async with lock:
            settings = self.settings
            if (reserved := self.guards.reserve_reply()) is None:
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
                self.guards.release_reply(reserved)
                return
            now = dt_util.utcnow()
            self._conversations[number] = _Conversation(result.conversation_id, now)
            speech = result.response.speech.get("plain", {}).get("speech") or ""
            reply = shorten_to_segments(speech.strip(), settings.max_segments)
            sent = False
            if reply and self.guards.is_new_answer(number, reply, now):
                sent = await self._async_reply(number, reply)
            if not sent:
                self.guards.release_reply(reserved)
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

    def _conversation_id(self, number: str) -> str | None:
        """Return the sender's conversation id while the agent still remembers it."""
        known = self._conversations.get(number)
        if known is None or dt_util.utcnow() - known.updated_at > CONVERSATION_TIMEOUT:
            return None
        return known.conversation_id

    async def _async_reply(self, number: str, reply: str) -> bool:
        """Send the agent's answer; return whether the gateway accepted it."""
        try:
            outcome = await self._account.async_send(
                OutgoingMessage(numbers=[number], message=reply), ORIGIN_ASSIST
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
            "gateway_numbers": [mask_number(n) for n in self.guards.gateway_numbers],
            "rate_limited_senders": [
                mask_number(n) for n in self.guards.limited_senders
            ],
            "stats": asdict(self.stats) | asdict(self.guards.stats),
            "exchanges": [exchange.as_diagnostics() for exchange in self.exchanges],
        }


def _load_settings(
    hass: HomeAssistant, options: Mapping[str, Any], country: str | None
) -> AssistSettings | None:
    """Return the settings, with the metadata to read national senders loaded."""
    if (settings := settings_from_options(hass, options)) is not None:
        load_metadata(country)
    return settings


async def async_start_assist(
    hass: HomeAssistant, entry: ConfigEntry[Any], account: EimsAccount
) -> AssistBridge | None:
    """Start the entry's bridge when its option is on; it stops when the entry unloads."""
    settings = await async_parse(hass, partial(_load_settings, hass, entry.options))
    if settings is None:
        return None
    if not await async_setup_component(hass, conversation.DOMAIN, {}):
        LOGGER.warning(
            "Assist over SMS is off: the conversation integration is not set up"
        )
        return None
    bridge = AssistBridge(hass, entry, account, settings)
    entry.async_on_unload(bridge.async_start())
    LOGGER.debug(
        "Assist over SMS answers %s trusted numbers with %s",
        len(settings.trusted_numbers),
        settings.agent_id,
    )
    return bridge
