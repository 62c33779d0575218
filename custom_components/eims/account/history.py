"""
The conversations of one account: received and sent messages, the newest kept, read marks.

No Home Assistant imports: the messages, their order, their bound, their stored form and how
a client sees them. `conversations` keeps it on disk and feeds it from the account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from typing import Any, Final, TypedDict

from ..const import DEFAULT_HISTORY_LIMIT
from ..matching import sender_key
from ..timestamps import timestamp_to_utc, utc_iso

RECEIVED_PREFIX: Final = "in:"
SENT_PREFIX: Final = "out:"
# What a sent message is until its first report.
STATUS_PENDING: Final = "pending"


class Direction(StrEnum):
    """Whether a message came to the account or left it."""

    RECEIVED = "received"
    SENT = "sent"


@dataclass(slots=True)
class Message:
    """One message of a conversation; `at` in unix seconds."""

    id: str
    direction: Direction
    number: str
    text: str
    at: float
    # Sent: the delivery status as the delivery sensor names it; received: None.
    status: str | None
    # Sent messages are the account's own: always read.
    read: bool


class StoredMessage(TypedDict):
    """A message as written to disk."""

    id: str
    direction: str
    number: str
    text: str
    at: float
    status: str | None
    read: bool


def thread_number(number: str, *, country: str | None) -> str:
    """
    Return the number a message's conversation goes by, however it was written.

    A phone number in E.164 with "+", a short code as its digits; anything else (an
    alphanumeric sender ID) as it was written, not case-folded: it is shown.
    """
    key = sender_key(number, country=country)
    return key if key.startswith("+") or key.isdigit() else number.strip()


def sent_id(gateway_id: int) -> str:
    """Return the history id of a message the gateway accepted under `gateway_id`."""
    return f"{SENT_PREFIX}{gateway_id}"


class MessageHistory:
    """
    An account's messages in arrival order, the oldest forgotten beyond `limit`.

    Shown newest first by time (the gateway's receive time, or when the account sent it),
    messages of the same time newest arrival first.
    """

    def __init__(self, limit: int = DEFAULT_HISTORY_LIMIT) -> None:
        """Create an empty history keeping at most `limit` messages."""
        self.limit = limit
        # Insertion order is arrival order: the oldest go first when over the limit.
        self._messages: dict[str, Message] = {}
        self._unread = 0

    def __len__(self) -> int:
        """Return how many messages are kept."""
        return len(self._messages)

    @property
    def unread(self) -> int:
        """Return how many received messages are not read yet."""
        return self._unread

    def add_received(self, key: str, number: str, text: str, at: float) -> Message:
        """
        Keep a received message under `key` (the inbox's fingerprint of it).

        The inbox announces each message once, but forgets fingerprints in time: a repeat
        is a new message and gets an id of its own.
        """
        message_id = f"{RECEIVED_PREFIX}{key}"
        repeat = 1
        while message_id in self._messages:
            repeat += 1
            message_id = f"{RECEIVED_PREFIX}{key}~{repeat}"
        message = Message(
            message_id, Direction.RECEIVED, number, text, at, None, read=False
        )
        self._keep(message)
        return message

    def add_sent(self, gateway_id: int, number: str, text: str, at: float) -> Message:
        """
        Keep a message the gateway accepted; one it accepted before is kept as it was.

        A gateway that hands an id out again (after its database was reset) sends a new
        message under it: that one replaces the old.
        """
        message_id = sent_id(gateway_id)
        known = self._messages.get(message_id)
        if known is not None and (known.number, known.text) == (number, text):
            return known
        message = Message(
            message_id, Direction.SENT, number, text, at, STATUS_PENDING, read=True
        )
        self._keep(message)
        return message

    def set_status(self, gateway_id: int, status: str) -> Message | None:
        """Record a sent message's new delivery status; None when it is not kept."""
        message = self._messages.get(sent_id(gateway_id))
        if message is None or message.status == status:
            return None
        message.status = status
        return message

    def mark_read(self, number: str) -> list[Message]:
        """Mark every received message from `number` read; return those that were not."""
        marked = [
            message
            for message in self._messages.values()
            if not message.read and message.number == number
        ]
        for message in marked:
            message.read = True
        self._unread -= len(marked)
        return marked

    def messages(
        self,
        *,
        number: str | None = None,
        direction: Direction | None = None,
        limit: int | None = None,
    ) -> list[Message]:
        """Return the messages, newest first, of one number and direction if given."""
        chosen: Iterable[Message] = reversed(self._messages.values())
        if number is not None:
            chosen = (message for message in chosen if message.number == number)
        if direction is not None:
            chosen = (message for message in chosen if message.direction is direction)
        # Stable: messages of the same time stay newest arrival first.
        ordered = sorted(chosen, key=_time, reverse=True)
        return ordered if limit is None else ordered[:limit]

    def numbers(self) -> set[str]:
        """Return the numbers of every conversation."""
        return {message.number for message in self._messages.values()}

    def counts(self) -> dict[str, int]:
        """Return the history's size for diagnostics: never a text or a number."""
        received = sum(
            message.direction is Direction.RECEIVED
            for message in self._messages.values()
        )
        return {
            "messages": len(self._messages),
            "received": received,
            "sent": len(self._messages) - received,
            "unread": self._unread,
            "conversations": len(self.numbers()),
            "limit": self.limit,
        }

    def to_stored(self) -> list[StoredMessage]:
        """Return the messages as written to disk, in arrival order."""
        return [
            {
                "id": message.id,
                "direction": message.direction.value,
                "number": message.number,
                "text": message.text,
                "at": message.at,
                "status": message.status,
                "read": message.read,
            }
            for message in self._messages.values()
        ]

    def restore(self, stored: Iterable[StoredMessage]) -> None:
        """Replace the messages by stored ones (the newest `limit` of them)."""
        self._messages.clear()
        self._unread = 0
        for row in stored:
            self._keep(
                Message(
                    row["id"],
                    Direction(row["direction"]),
                    row["number"],
                    row["text"],
                    row["at"],
                    row["status"],
                    row["read"],
                )
            )

    def _keep(self, message: Message) -> None:
        if (old := self._messages.pop(message.id, None)) is not None:
            self._unread -= not old.read
        self._messages[message.id] = message
        self._unread += not message.read
        excess = len(self._messages) - self.limit
        if excess > 0:
            for message_id in list(islice(self._messages, excess)):
                self._unread -= not self._messages.pop(message_id).read


def _time(message: Message) -> float:
    return message.at


def as_dict(message: Message, contacts: Mapping[str, str]) -> dict[str, Any]:
    """Return a message as actions and the websocket API show it, with its contact's name."""
    return {
        "id": message.id,
        "direction": message.direction.value,
        "number": message.number,
        "contact": contacts.get(message.number),
        "text": message.text,
        "at": utc_iso(timestamp_to_utc(message.at)),
        "status": message.status,
        "read": message.read,
    }
