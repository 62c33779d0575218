"""
One EIMS account: send, track, receive, ask, guard, keep the conversations.

`EimsAccount` owns the client and every stateful part of one gateway account; its
`async_load`, `async_start` and `async_stop` are the order in which they come and go.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant

from ..api import EimsClient, SmsJob
from ..store import async_remove_entry_stores
from .ask import QuestionBook
from .conversations import Conversations
from .guard import SpendingGuard
from .outgoing import OutgoingMessage
from .receive import SmsInbox
from .send import Sender, SendOutcome
from .track import DeliveryTracker


class EimsAccount:
    """An account on a gateway: its client, inbox, tracker, questions, guards, conversations."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry[Any], client: EimsClient
    ) -> None:
        """Create the parts of one account; nothing is read or started yet."""
        self.hass = hass
        self.entry_id = entry.entry_id
        self.client = client
        self.inbox = SmsInbox(hass, entry.entry_id)
        self.tracker = DeliveryTracker(hass, entry, client)
        self.questions = QuestionBook(hass, entry.entry_id, self.inbox)
        self.spending = SpendingGuard(hass, entry)
        self.conversations = Conversations(hass, entry)
        self.sender = Sender(
            hass,
            entry,
            client,
            tracker=self.tracker,
            spending=self.spending,
            conversations=self.conversations,
        )
        self._stops: list[CALLBACK_TYPE] = []

    async def async_send(self, outgoing: OutgoingMessage, origin: str) -> SendOutcome:
        """Send a message through the account's one pipeline (see `Sender`)."""
        return await self.sender.async_send(outgoing, origin)

    async def async_create_job(self, job: SmsJob) -> int:
        """Create a job through the account's one pipeline; return its id."""
        return await self.sender.async_create_job(job)

    def sending(self) -> AbstractContextManager[None]:
        """Keep the account from stopping while a send and what it notes finish."""
        return self.sender.sending()

    async def async_load(self) -> None:
        """Read what the account kept on disk, before the first poll."""
        await self.inbox.async_load()
        await self.tracker.async_load()
        await self.questions.async_load()
        await self.spending.async_load()
        await self.conversations.async_load()
        # Before the first poll: the reports it reads already move the messages' statuses.
        self._stops.append(self.conversations.async_start(self.inbox, self.tracker))

    async def async_start(self) -> None:
        """Start listening: replies first, then SMS stored before are announced."""
        self._stops.append(self.questions.async_start())
        await self.inbox.async_start()
        self._stops.append(
            self.hass.bus.async_listen(
                EVENT_HOMEASSISTANT_STOP, self._async_on_hass_stop
            )
        )

    async def _async_on_hass_stop(self, _: Event) -> None:
        # A getsms page in flight is gone from the gateway: let it reach the disk first.
        await self.inbox.async_stop()

    async def async_stop(self) -> None:
        """
        Let sends and a getsms page in flight end, stop listening, write everything.

        The page's SMS reach the disk and every listener (the conversations, the questions'
        replies) first; reports coming later are left to the next account, which asks again.
        """
        await self.sender.async_stop()
        await self.inbox.async_stop()
        while self._stops:
            self._stops.pop()()
        # Written at once, so a reload finds every message still waiting.
        await self.tracker.async_stop()
        await self.questions.async_flush()
        await self.spending.async_flush()
        await self.conversations.async_flush()

    @staticmethod
    async def async_remove(hass: HomeAssistant, entry_id: str) -> None:
        """Delete what an account kept on disk."""
        await async_remove_entry_stores(hass, entry_id)
