"""Typed values the EIMS client takes and returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import IntEnum
from typing import Final

SMS_PAGE_SIZE: Final = 50


class SmsType(IntEnum):
    """Kind of message (`smstype`)."""

    SMS = 0
    MMS = 1


class SendStatus(IntEnum):
    """Send status of a report row; any code but 0, 1, 2 is a failure."""

    SENT = 0
    UNSENT = 1
    SENDING = 2
    FAILED = -1

    @classmethod
    def from_code(cls, code: int) -> SendStatus:
        """Map a raw send code; the raw code itself stays in `ReportRow.send_code`."""
        return cls(code) if code in (0, 1, 2) else cls.FAILED


class DeliverStatus(IntEnum):
    """Delivery status of a report row."""

    NOT_REQUIRED = 0
    PENDING = 1
    FAILED = 2
    DELIVERED = 3
    TIMEOUT = 4
    UNKNOWN = 5

    @classmethod
    def from_code(cls, code: int) -> DeliverStatus:
        """Map a raw code; codes the spec does not list count as unknown."""
        return cls(code) if 0 <= code <= 5 else cls.UNKNOWN


_REPORT_TEXTS = {
    1001: "No route",
    1002: "No channel",
    1003: "No balance",
    1004: "Unknown",
    1005: "Send refused",
    1006: "Send timeout",
    1007: "Server timeout",
    1008: "Supplier MCC/MNC limit",
    1009: "Consumer MCC/MNC limit",
    1010: "No supplier",
    1011: "Black number",
    1012: "Sensitive words",
    1013: "Daily limit",
    1014: "Destination MCC/MNC limit",
    1016: "SMS template limit",
    1017: "Supplier no balance",
    1018: "User profit limit",
    1019: "Channel profit limit",
    1020: "MCC number length limit",
    1021: "Job not found",
    1022: "China SMS limit",
    1023: "Route MCC/MNC limit",
}


class ReportCode(IntEnum):
    """Failure codes of the spec's report code table (1015 is not listed)."""

    NO_ROUTE = 1001
    NO_CHANNEL = 1002
    NO_BALANCE = 1003
    UNKNOWN = 1004
    SEND_REFUSED = 1005
    SEND_TIMEOUT = 1006
    SERVER_TIMEOUT = 1007
    SUPPLIER_MCC_MNC_LIMIT = 1008
    CONSUMER_MCC_MNC_LIMIT = 1009
    NO_SUPPLIER = 1010
    BLACK_NUMBER = 1011
    SENSITIVE_WORDS = 1012
    DAILY_LIMIT = 1013
    DESTINATION_MCC_MNC_LIMIT = 1014
    SMS_TEMPLATE_LIMIT = 1016
    SUPPLIER_NO_BALANCE = 1017
    USER_PROFIT_LIMIT = 1018
    CHANNEL_PROFIT_LIMIT = 1019
    MCC_NUMBER_LENGTH_LIMIT = 1020
    JOB_NOT_FOUND = 1021
    CHINA_SMS_LIMIT = 1022
    ROUTE_MCC_MNC_LIMIT = 1023

    @property
    def description(self) -> str:
        """English text of the spec's table (its typos corrected)."""
        return _REPORT_TEXTS[self.value]

    @classmethod
    def describe(cls, code: int) -> str:
        """Describe any code: 0 is success, unlisted codes read "code N"."""
        if code == 0:
            return "Success"
        return _REPORT_TEXTS.get(code, f"code {code}")


@dataclass(frozen=True, slots=True)
class Balance:
    """Account balance (`getbalance`), in the account's own currency."""

    balance: Decimal
    gift: Decimal


@dataclass(frozen=True, slots=True)
class SendRequest:
    """One text to one or more numbers; several requests travel as `smsarray`."""

    numbers: Sequence[str]
    content: str
    sms_type: SmsType = SmsType.SMS
    mms_title: str | None = None
    sender: str | None = None
    send_time: str | None = None

    def __post_init__(self) -> None:
        """Freeze the numbers so the request stays hashable and unchanged."""
        object.__setattr__(self, "numbers", tuple(self.numbers))


@dataclass(frozen=True, slots=True)
class FailedNumber:
    """A number the gateway did not accept, with a snake_case reason key."""

    number: str
    reason: str


# What the gateway accepted: each message's id (to query its report) and its number, in the
# reply's order. One dict, not an object per message: 100,000 add nothing the garbage
# collector walks.
type Accepted = dict[int, str]


@dataclass(frozen=True, slots=True)
class SendReply:
    """What the gateway answered to one `sendsms` request."""

    success: int
    fail: int
    accepted: Accepted
    failed: list[FailedNumber]


@dataclass(slots=True)
class SendResult:
    """Outcome of one `send_sms` call over all its HTTP requests."""

    success: int = 0
    fail: int = 0
    accepted: Accepted = field(default_factory=dict)
    failed: list[FailedNumber] = field(default_factory=list)
    requests: int = 0


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One row of `getreport`."""

    id: int
    number: str
    send_time: datetime | None
    send_status: SendStatus
    send_code: int
    reason: str | None
    deliver_time: datetime | None
    deliver_status: DeliverStatus | None


@dataclass(frozen=True, slots=True)
class ReportCounters:
    """Counters of `getreport`, summed over requests; None when never sent."""

    success: int | None = None
    fail: int | None = None
    unsent: int | None = None
    sending: int | None = None
    deliver_success: int | None = None
    deliver_fail: int | None = None
    deliver_timeout: int | None = None
    not_found: int | None = None


@dataclass(frozen=True, slots=True)
class UnreadableReport:
    """A getreport row that could not be read: the id it names (if any) and the row (JSON)."""

    id: int | None
    row: str
    error: str


@dataclass(frozen=True, slots=True)
class ReportResult:
    """Outcome of one `get_reports` call over all its HTTP requests."""

    rows: list[ReportRow]
    counters: ReportCounters
    requests: int
    unreadable: list[UnreadableReport] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class InboundSms:
    """A received SMS (`getsms`); `decoded` is False when `text` is the raw content."""

    id: int
    sender: str
    receiver: str | None
    received_at: datetime | None
    text: str
    raw: str
    decoded: bool

    @property
    def key(self) -> tuple[int, str, str]:
        """
        Return what makes a repeat: the same id, sender and content.

        Ids alone are not enough: a gateway whose counter restarts reuses them.
        """
        return (self.id, self.sender, self.raw)


@dataclass(frozen=True, slots=True)
class UnreadableSms:
    """A getsms row that could not be read, kept as the gateway sent it (JSON)."""

    row: str
    error: str


@dataclass(frozen=True, slots=True)
class SmsPage:
    """One getsms reply: its readable messages (repeats dropped) and the rows that were not."""

    messages: list[InboundSms]
    unreadable: list[UnreadableSms]
    rows: int

    @property
    def full(self) -> bool:
        """Whether the gateway may hold more: it hands out 50 per call at most."""
        return self.rows >= SMS_PAGE_SIZE


@dataclass(frozen=True, slots=True)
class PushedReport:
    """A report the gateway pushed by HTTP PUT; status 0 is success."""

    id: int
    number: str
    time: datetime | None
    status: int
    reason: str | None
    version: str


@dataclass(slots=True)
class ClientStats:
    """Request and error counts of one client, for diagnostics."""

    requests: int = 0
    errors: int = 0
    last_error: str | None = None
