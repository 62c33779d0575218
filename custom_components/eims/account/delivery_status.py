"""
Where a sent message is, and what a report says about it: the tracker's pure part.

No Home Assistant imports: the status model, the reading of report rows and pushed
reports, and the packed form of a waiting message's number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from ..api import DeliverStatus, PushedReport, ReportCode, ReportRow, SendStatus
from ..timestamps import timestamp_to_utc, utc_iso


class DeliveryStatus(StrEnum):
    """Where a sent message is; the last five (and `sent` without delivery reports) are final."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    DELIVERY_TIMEOUT = "delivery_timeout"
    NOT_FOUND = "not_found"
    EXPIRED = "expired"


FINAL_STATUSES: Final = (
    DeliveryStatus.DELIVERED,
    DeliveryStatus.FAILED,
    DeliveryStatus.DELIVERY_TIMEOUT,
    DeliveryStatus.NOT_FOUND,
    DeliveryStatus.EXPIRED,
)
# Final statuses the "Failed" counter counts: the message certainly did not arrive.
FAILED_STATUSES: Final = frozenset(
    {DeliveryStatus.FAILED, DeliveryStatus.DELIVERY_TIMEOUT, DeliveryStatus.NOT_FOUND}
)
# Reports only move a message forward: a late "sending" never undoes "sent".
_RANK: Final = {
    DeliveryStatus.PENDING: 0,
    DeliveryStatus.SENDING: 1,
    DeliveryStatus.SENT: 2,
}
_DELIVER_FINAL: Final = {
    DeliverStatus.DELIVERED: DeliveryStatus.DELIVERED,
    DeliverStatus.FAILED: DeliveryStatus.FAILED,
    DeliverStatus.TIMEOUT: DeliveryStatus.DELIVERY_TIMEOUT,
    DeliverStatus.UNKNOWN: DeliveryStatus.FAILED,
}
# E.164 allows 15 digits; a few more still pack into a small int.
_MAX_PACKED_DIGITS: Final = 18


def reason_name(code: int | None) -> str | None:
    """Return the snake_case name of a failure code ("black_number"); None for success."""
    if not code:
        return None
    try:
        return ReportCode(code).name.lower()
    except ValueError:
        return f"code_{code}"


def pack_number(number: str) -> int | str:
    """
    Keep an E.164-like number as an int: 32 bytes instead of about 55 per pending message.

    Positive means a leading "+", negative none; numbers starting with 0, and anything
    longer than a phone number (a gateway may echo garbage), stay text.
    """
    digits = number.removeprefix("+")
    if (
        not (digits.isascii() and digits.isdigit())
        or digits[0] == "0"
        or len(digits) > _MAX_PACKED_DIGITS
    ):
        return number
    value = int(digits)
    return value if len(digits) < len(number) else -value


def unpack_number(packed: int | str) -> str:
    """Return the number `pack_number` packed."""
    if isinstance(packed, str):
        return packed
    return f"+{packed}" if packed > 0 else str(-packed)


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """What one report says about a message."""

    status: DeliveryStatus
    final: bool
    code: int | None = None
    time: datetime | None = None

    def moves(self, current: DeliveryStatus) -> bool:
        """Whether the update changes a message now at `current` (final ones always do)."""
        return self.final or _RANK[self.status] > _RANK[current]


EXPIRED: Final = StatusUpdate(DeliveryStatus.EXPIRED, final=True)
NOT_FOUND: Final = StatusUpdate(DeliveryStatus.NOT_FOUND, final=True)


def row_update(row: ReportRow) -> StatusUpdate:
    """Read a getreport row: send status first, then the delivery status when there is one."""
    if row.send_status is SendStatus.FAILED:
        return StatusUpdate(DeliveryStatus.FAILED, True, row.send_code, row.send_time)
    if row.send_status is SendStatus.UNSENT:
        return StatusUpdate(DeliveryStatus.PENDING, False)
    if row.send_status is SendStatus.SENDING:
        return StatusUpdate(DeliveryStatus.SENDING, False)
    deliver = row.deliver_status
    if deliver is None or deliver is DeliverStatus.NOT_REQUIRED:
        # A server without delivery reports: sent is all it will ever say.
        return StatusUpdate(DeliveryStatus.SENT, True, 0, row.send_time)
    if deliver is DeliverStatus.PENDING:
        return StatusUpdate(DeliveryStatus.SENT, False, None, row.send_time)
    status = _DELIVER_FINAL[deliver]
    code = 0 if status is DeliveryStatus.DELIVERED else None
    return StatusUpdate(status, True, code, row.deliver_time)


def pushed_update(report: PushedReport) -> StatusUpdate:
    """Read a pushed report: the gateway pushes final results only, 0 for success."""
    if report.status == 0:
        return StatusUpdate(DeliveryStatus.DELIVERED, True, 0, report.time)
    return StatusUpdate(DeliveryStatus.FAILED, True, report.status, report.time)


@dataclass(frozen=True, slots=True)
class PendingMessage:
    """A message waiting for its final report: its packed number, when it was sent, why, where."""

    number: int | str
    sent_at: float
    origin: str
    status: DeliveryStatus


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """A change of a message's delivery status, as events and sensors show it."""

    message_id: int
    number: str
    status: DeliveryStatus
    final: bool
    origin: str
    sent_at: datetime
    reported_at: datetime
    code: int | None
    reason: str | None

    @classmethod
    def of(
        cls, message_id: int, pending: PendingMessage, update: StatusUpdate, now: float
    ) -> DeliveryReport:
        """Return what `update` makes of a pending message (reported now unless it says when)."""
        return cls(
            message_id=message_id,
            number=unpack_number(pending.number),
            status=update.status,
            final=update.final,
            origin=pending.origin,
            sent_at=timestamp_to_utc(pending.sent_at),
            reported_at=update.time or timestamp_to_utc(now),
            code=update.code,
            reason=reason_name(update.code),
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the report as stored and as event data, its times in UTC."""
        return {
            "message_id": self.message_id,
            "number": self.number,
            "status": self.status.value,
            "final": self.final,
            "origin": self.origin,
            "sent_at": utc_iso(self.sent_at),
            "reported_at": utc_iso(self.reported_at),
            "code": self.code,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeliveryReport:
        """Read a stored report."""
        return cls(
            message_id=data["message_id"],
            number=data["number"],
            status=DeliveryStatus(data["status"]),
            final=data["final"],
            origin=data["origin"],
            sent_at=datetime.fromisoformat(data["sent_at"]),
            reported_at=datetime.fromisoformat(data["reported_at"]),
            code=data["code"],
            reason=data["reason"],
        )
