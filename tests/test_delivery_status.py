"""The delivery status model on its own: rows and pushes read, numbers packed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.eims.account.delivery_status import (
    EXPIRED,
    NOT_FOUND,
    DeliveryReport,
    DeliveryStatus,
    PendingMessage,
    StatusUpdate,
    pack_number,
    pushed_update,
    reason_name,
    row_update,
    unpack_number,
)
from custom_components.eims.api import (
    DeliverStatus,
    PushedReport,
    ReportRow,
    SendStatus,
)

SENT_AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
DELIVERED_AT = datetime(2026, 11, 30, 12, 1, tzinfo=UTC)


def row(
    send_status: SendStatus,
    deliver_status: DeliverStatus | None = None,
    send_code: int = 0,
) -> ReportRow:
    """Return a getreport row for message 7."""
    return ReportRow(
        id=7,
        number="+447911123456",
        send_time=SENT_AT,
        send_status=send_status,
        send_code=send_code,
        reason=None,
        deliver_time=DELIVERED_AT if deliver_status is not None else None,
        deliver_status=deliver_status,
    )


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (
            row(SendStatus.FAILED, send_code=1003),
            StatusUpdate(DeliveryStatus.FAILED, True, 1003, SENT_AT),
        ),
        (row(SendStatus.UNSENT), StatusUpdate(DeliveryStatus.PENDING, False)),
        (row(SendStatus.SENDING), StatusUpdate(DeliveryStatus.SENDING, False)),
        # A server without delivery reports: sent is final.
        (row(SendStatus.SENT), StatusUpdate(DeliveryStatus.SENT, True, 0, SENT_AT)),
        (
            row(SendStatus.SENT, DeliverStatus.NOT_REQUIRED),
            StatusUpdate(DeliveryStatus.SENT, True, 0, SENT_AT),
        ),
        (
            row(SendStatus.SENT, DeliverStatus.PENDING),
            StatusUpdate(DeliveryStatus.SENT, False, None, SENT_AT),
        ),
        (
            row(SendStatus.SENT, DeliverStatus.DELIVERED),
            StatusUpdate(DeliveryStatus.DELIVERED, True, 0, DELIVERED_AT),
        ),
        (
            row(SendStatus.SENT, DeliverStatus.FAILED),
            StatusUpdate(DeliveryStatus.FAILED, True, None, DELIVERED_AT),
        ),
        (
            row(SendStatus.SENT, DeliverStatus.TIMEOUT),
            StatusUpdate(DeliveryStatus.DELIVERY_TIMEOUT, True, None, DELIVERED_AT),
        ),
        (
            row(SendStatus.SENT, DeliverStatus.UNKNOWN),
            StatusUpdate(DeliveryStatus.FAILED, True, None, DELIVERED_AT),
        ),
    ],
)
def test_row_update(report: ReportRow, expected: StatusUpdate) -> None:
    """A row is read by its send status first, then by its delivery status."""
    assert row_update(report) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (0, StatusUpdate(DeliveryStatus.DELIVERED, True, 0, DELIVERED_AT)),
        (1006, StatusUpdate(DeliveryStatus.FAILED, True, 1006, DELIVERED_AT)),
    ],
)
def test_pushed_update(status: int, expected: StatusUpdate) -> None:
    """A pushed report is final: 0 is delivered, anything else failed with its code."""
    report = PushedReport(
        id=7,
        number="+447911123456",
        time=DELIVERED_AT,
        status=status,
        reason=None,
        version="1.0",
    )
    assert pushed_update(report) == expected


@pytest.mark.parametrize(
    ("update", "current", "moves"),
    [
        (StatusUpdate(DeliveryStatus.SENDING, False), DeliveryStatus.PENDING, True),
        (StatusUpdate(DeliveryStatus.SENT, False), DeliveryStatus.SENDING, True),
        # A late "sending" never undoes "sent", nor a repeat change anything.
        (StatusUpdate(DeliveryStatus.SENDING, False), DeliveryStatus.SENT, False),
        (StatusUpdate(DeliveryStatus.SENT, False), DeliveryStatus.SENT, False),
        (StatusUpdate(DeliveryStatus.PENDING, False), DeliveryStatus.PENDING, False),
        (EXPIRED, DeliveryStatus.SENT, True),
        (NOT_FOUND, DeliveryStatus.PENDING, True),
    ],
)
def test_updates_only_move_forward(
    update: StatusUpdate, current: DeliveryStatus, moves: bool
) -> None:
    """Non-final updates move a message forward only; final ones always apply."""
    assert update.moves(current) is moves


@pytest.mark.parametrize(
    ("number", "packed"),
    [
        ("+447911123456", 447911123456),
        ("447911123456", -447911123456),
        ("10010", -10010),
        ("0612345678", "0612345678"),
        ("+", "+"),
        ("12ab", "12ab"),
        ("+1234567890123456789", "+1234567890123456789"),
    ],
)
def test_number_packing(number: str, packed: int | str) -> None:
    """Numbers are kept as ints when that loses nothing."""
    assert pack_number(number) == packed
    assert unpack_number(packed) == number


def test_reason_names() -> None:
    """Listed codes have their names, others a code key, success none."""
    assert reason_name(None) is None
    assert reason_name(0) is None
    assert reason_name(1003) == "no_balance"
    assert reason_name(1015) == "code_1015"


def test_report_of_a_pending_message() -> None:
    """A report names the message's number unpacked, its origin and the reason of its code."""
    pending = PendingMessage(
        pack_number("+447911123456"),
        SENT_AT.timestamp(),
        "action",
        DeliveryStatus.SENT,
    )
    failed = DeliveryReport.of(
        7, pending, StatusUpdate(DeliveryStatus.FAILED, True, 1003), 1e9
    )
    assert failed.as_dict() == {
        "message_id": 7,
        "number": "+447911123456",
        "status": "failed",
        "final": True,
        "origin": "action",
        "sent_at": SENT_AT.isoformat(),
        "reported_at": datetime.fromtimestamp(1e9, UTC).isoformat(),
        "code": 1003,
        "reason": "no_balance",
    }
    assert DeliveryReport.from_dict(failed.as_dict()) == failed
    delivered = DeliveryReport.of(
        7, pending, StatusUpdate(DeliveryStatus.DELIVERED, True, 0, DELIVERED_AT), 1e9
    )
    assert (delivered.reported_at, delivered.reason) == (DELIVERED_AT, None)
