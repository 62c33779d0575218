"""The pure message history: order, bound, repeats, read marks, stored form."""

from __future__ import annotations

from custom_components.eims.account.history import (
    Direction,
    MessageHistory,
    as_dict,
    thread_number,
)

MUM = "+447911123456"


def test_thread_number() -> None:
    """One number per conversation however written; a sender ID keeps its case."""
    for written in ("+44 7911 123456", "07911 123456", "447911123456", MUM):
        assert thread_number(written, country="GB") == MUM
    assert thread_number("10010", country="GB") == "10010"
    assert thread_number(" MyBank ", country="GB") == "MyBank"


def test_newest_first_by_time_then_arrival() -> None:
    """A later time comes first; messages of the same second, the last arrived first."""
    history = MessageHistory()
    history.add_received("1:a", MUM, "first", 100.0)
    history.add_sent(7, MUM, "second", 100.0)
    history.add_received("2:b", MUM, "early", 50.0)
    assert [m.text for m in history.messages()] == ["second", "first", "early"]
    assert [m.text for m in history.messages(direction=Direction.SENT)] == ["second"]


def test_bound_forgets_the_oldest_arrivals_and_their_unread_marks() -> None:
    """Over the limit, the first arrived go; the unread count goes with them."""
    history = MessageHistory(limit=1000)
    for index in range(1200):
        history.add_received(f"{index}:x", MUM, f"SMS {index}", float(index))
    assert len(history) == 1000
    assert history.unread == 1000
    assert history.messages(limit=1)[0].text == "SMS 1199"
    assert history.messages()[-1].text == "SMS 200"


def test_repeat_of_a_forgotten_fingerprint_is_a_new_message() -> None:
    """The inbox forgets fingerprints in time: a repeat keeps the first and gets its own id."""
    history = MessageHistory()
    first = history.add_received("5:abc", MUM, "Hi", 1.0)
    second = history.add_received("5:abc", MUM, "Hi", 2.0)
    third = history.add_received("5:abc", MUM, "Hi", 3.0)
    assert [first.id, second.id, third.id] == ["in:5:abc", "in:5:abc~2", "in:5:abc~3"]
    assert history.unread == 3


def test_sent_once_and_reused_ids() -> None:
    """A batch noted twice is one message; an id the gateway hands out again is a new one."""
    history = MessageHistory()
    first = history.add_sent(9, MUM, "Hi", 1.0)
    history.set_status(9, "delivered")
    assert history.add_sent(9, MUM, "Hi", 1.0) is first
    assert first.status == "delivered"
    again = history.add_sent(9, MUM, "New text", 5.0)
    assert [(m.text, m.status) for m in history.messages()] == [("New text", "pending")]
    assert again.id == "out:9"
    assert history.set_status(9, "pending") is None
    assert history.set_status(10, "delivered") is None


def test_mark_read_and_stored_form() -> None:
    """Read marks survive the stored form; a lower limit keeps the newest."""
    history = MessageHistory()
    history.add_received("1:a", MUM, "One", 1.0)
    history.add_received("2:b", "+447400123456", "Two", 2.0)
    history.add_sent(3, MUM, "Three", 3.0)
    assert [m.text for m in history.mark_read(MUM)] == ["One"]
    assert history.mark_read(MUM) == []
    assert history.unread == 1
    restored = MessageHistory(limit=2)
    restored.restore(history.to_stored())
    assert [m.text for m in restored.messages()] == ["Three", "Two"]
    assert restored.unread == 1
    assert restored.counts() == {
        "messages": 2,
        "received": 1,
        "sent": 1,
        "unread": 1,
        "conversations": 2,
        "limit": 2,
    }


def test_as_dict() -> None:
    """What a client sees: UTC time, the contact's name when the number has one."""
    history = MessageHistory()
    message = history.add_received("1:a", MUM, "Hi", 1_796_580_000.5)
    assert as_dict(message, {MUM: "Mum"}) == {
        "id": "in:1:a",
        "direction": "received",
        "number": MUM,
        "contact": "Mum",
        "text": "Hi",
        "at": "2026-12-06T18:00:00.500000+00:00",
        "status": None,
        "read": False,
    }
