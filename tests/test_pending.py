"""The table of waiting messages on its own: what goes in comes out, stored and restored."""

from __future__ import annotations

import gc

import pytest

from custom_components.eims.account.delivery_status import (
    DeliveryStatus,
    PendingMessage,
    pack_number,
)
from custom_components.eims.account.pending import PendingMessages

SENT_AT = 1_764_504_000.0


def table() -> PendingMessages:
    """Return three waiting messages: two of one send (one national number), one later."""
    pending = PendingMessages()
    pending.add(1, pack_number("+447911123456"), SENT_AT, "notify")
    pending.add(5, pack_number("0612345678"), SENT_AT, "notify")
    pending.add(3, pack_number("447911123457"), SENT_AT + 1, "job")
    return pending


def test_messages_read_back() -> None:
    """Each message comes back as added, oldest first; unknown ids are not there."""
    pending = table()
    assert list(pending) == [1, 5, 3]
    assert len(pending) == 3
    assert 5 in pending
    assert 2 not in pending
    assert pending.get(2) is None
    assert pending.get(1) == PendingMessage(
        447911123456, SENT_AT, "notify", DeliveryStatus.PENDING
    )
    assert pending.get(5) == PendingMessage(
        "0612345678", SENT_AT, "notify", DeliveryStatus.PENDING
    )
    assert pending.get(3) == PendingMessage(
        -447911123457, SENT_AT + 1, "job", DeliveryStatus.PENDING
    )
    assert pending.sent_at(3) == SENT_AT + 1
    assert pending.oldest_sent_at() == SENT_AT
    assert PendingMessages().oldest_sent_at() is None


def test_status_and_removal() -> None:
    """A status moves one message only; a removed message is gone, its group with it."""
    pending = table()
    pending.set_status(5, DeliveryStatus.SENT)
    assert pending.get(5) == PendingMessage(
        "0612345678", SENT_AT, "notify", DeliveryStatus.SENT
    )
    assert pending.get(1) == PendingMessage(
        447911123456, SENT_AT, "notify", DeliveryStatus.PENDING
    )
    pending.set_status(1, DeliveryStatus.SENDING)
    pending.remove(5)
    pending.remove(3)
    assert list(pending) == [1]
    assert pending.get(1) == PendingMessage(
        447911123456, SENT_AT, "notify", DeliveryStatus.SENDING
    )
    assert pending.oldest_sent_at() == SENT_AT
    pending.remove(1)
    assert len(pending) == 0
    assert pending.encode() == {
        "ids": [],
        "numbers": [],
        "sent_at": [],
        "origins": [],
        "statuses": [],
    }
    # Nothing is left of the groups: the table holds nothing more when empty.
    assert pending._groups == pending._group_index == pending._members == {}


def test_storage_round_trip() -> None:
    """The stored columns give back every message in order, with its status."""
    pending = table()
    pending.set_status(3, DeliveryStatus.SENDING)
    columns = pending.encode()
    assert columns == {
        "ids": [1, 5, 3],
        "numbers": [447911123456, "0612345678", -447911123457],
        "sent_at": [SENT_AT, SENT_AT, SENT_AT + 1],
        "origins": ["notify", "notify", "job"],
        "statuses": ["pending", "pending", "sending"],
    }
    restored = PendingMessages()
    for stored in PendingMessages.decode(columns):
        restored.add(*stored)
    assert restored.encode() == columns
    assert [restored.get(i) for i in restored] == [pending.get(i) for i in pending]


def test_storage_refuses_ragged_columns() -> None:
    """Columns of different lengths are a broken store, not silently cut."""
    columns = table().encode()
    columns["ids"].append(2)
    with pytest.raises(ValueError, match="zip"):
        list(PendingMessages.decode(columns))


def test_garbage_collector_does_not_track_messages() -> None:
    """A waiting message is no object of its own that the garbage collector walks."""
    pending = PendingMessages()
    for message_id in range(1000):
        pending.add(message_id, pack_number(f"+86138{message_id:08d}"), SENT_AT, "x")
    gc.collect()
    tracked = [item for item in gc.get_referents(pending._codes) if gc.is_tracked(item)]
    assert tracked == []
    assert len(pending._groups) == 1


def test_one_send_added_at_once() -> None:
    """A send's messages join one group; each leaves it on its own."""
    pending = PendingMessages()
    pending.add_sent(
        {1: pack_number("+447911123456"), 2: pack_number("0612345678")},
        SENT_AT,
        "action",
    )
    assert [pending.get(i) for i in pending] == [
        PendingMessage(447911123456, SENT_AT, "action", DeliveryStatus.PENDING),
        PendingMessage("0612345678", SENT_AT, "action", DeliveryStatus.PENDING),
    ]
    assert len(pending._groups) == 1
    pending.remove(1)
    assert pending.get(2) is not None
    pending.remove(2)
    assert pending._groups == {}
