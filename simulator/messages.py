"""One submitted message per number and its lifecycle: unsent, sending, sent, final."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from enum import StrEnum
from typing import Any

from .accounts import Account, Outcome, OutcomeKind
from .clock import format_stamp
from .status import REPORT_REASONS


class Phase(StrEnum):
    """Where a message is in its life."""

    UNSENT = "unsent"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    UNDELIVERED = "undelivered"
    TIMEOUT = "timeout"
    UNKNOWN = "unknown"


# The final phase each outcome leads to after "sent" (a failure ends at "sending").
_FINAL_AFTER_SENT = {
    OutcomeKind.DELIVERED: Phase.DELIVERED,
    OutcomeKind.UNDELIVERED: Phase.UNDELIVERED,
    OutcomeKind.TIMEOUT: Phase.TIMEOUT,
    OutcomeKind.UNKNOWN: Phase.UNKNOWN,
}
_DELIVER_STATUS = {
    Phase.SENT: 1,
    Phase.UNDELIVERED: 2,
    Phase.DELIVERED: 3,
    Phase.TIMEOUT: 4,
    Phase.UNKNOWN: 5,
}
_FINAL = frozenset(
    {Phase.DELIVERED, Phase.FAILED, Phase.UNDELIVERED, Phase.TIMEOUT, Phase.UNKNOWN}
)


@dataclass
class Message:
    """A message to one number, known by the id the gateway returned for it."""

    id: int
    account: str
    number: str
    content: str
    smstype: int
    submitted: float
    start: float
    outcome: Outcome
    deliver_reports: bool
    job_id: int = 0
    phase: Phase = Phase.UNSENT
    changed: float = 0.0
    sent_at: float | None = None
    done_at: float | None = None
    # Handed out by getreport as it is instead of the rendered row: a malformed one.
    row: list[Any] | None = None

    @property
    def final(self) -> bool:
        """Whether the message has reached its last phase."""
        return self.phase in _FINAL or (
            self.phase is Phase.SENT and not self.deliver_reports
        )

    def step(self, when: float) -> None:
        """Move a message that is not final to its next phase at unix time `when`."""
        if self.phase is Phase.UNSENT:
            self.phase = Phase.SENDING
            self.sent_at = when
        elif self.phase is Phase.SENDING:
            failed = self.outcome.kind is OutcomeKind.FAILED
            self.phase = Phase.FAILED if failed else Phase.SENT
        else:
            self.phase = _FINAL_AFTER_SENT[self.outcome.kind]
        self.changed = when
        if self.final:
            self.done_at = when

    def due(self, step_seconds: float) -> float | None:
        """When the time-driven lifecycle moves this message next (None: manual or final)."""
        if step_seconds <= 0 or self.final:
            return None
        if self.phase is Phase.UNSENT:
            return max(self.start, self.changed + step_seconds)
        return self.changed + step_seconds

    @property
    def send_status(self) -> int:
        """The report's send status: 0 sent, 1 unsent, 2 sending, else the failure code."""
        if self.phase is Phase.UNSENT:
            return 1
        if self.phase is Phase.SENDING:
            return 2
        if self.phase is Phase.FAILED:
            return self.outcome.code
        return 0

    @property
    def deliver_status(self) -> int:
        """The report's deliver status (0 when no delivery report applies)."""
        if not self.deliver_reports:
            return 0
        return _DELIVER_STATUS.get(self.phase, 0)

    @property
    def result_code(self) -> int:
        """The pushed result: 0 for success, else the outcome's report code."""
        if self.phase in (Phase.DELIVERED, Phase.SENT):
            return 0
        return self.outcome.code

    @property
    def reason(self) -> str:
        """A reason text for reports: "success", a report code's name, or ""."""
        if self.phase in (Phase.UNSENT, Phase.SENDING):
            return ""
        return REPORT_REASONS.get(self.result_code, "Unkown")

    def report_row(self, account: Account, tz: tzinfo) -> list[Any]:
        """Render the getreport row in the account's form of 4, 6 or 7 fields."""
        number = account.render_number(self.number)
        sendtime = format_stamp(self.sent_at or self.start, tz)
        if account.report_fields == 4:
            return [self.id, number, sendtime, self.send_status]
        reported = self.deliver_status > 1 and self.done_at is not None
        delivertime = format_stamp(self.done_at or 0, tz) if reported else 0
        if account.report_fields == 6:
            return [
                self.id,
                number,
                sendtime,
                self.send_status,
                delivertime,
                self.deliver_status,
            ]
        return [
            self.id,
            number,
            sendtime,
            self.send_status,
            self.reason,
            delivertime,
            self.deliver_status,
        ]

    def push_item(self, account: Account, tz: tzinfo) -> Any:
        """Render the pushed report: a v1.0 row or a v2.0 object."""
        number = str(account.render_number(self.number))
        done = self.done_at or self.changed
        if account.push_version == "1.0":
            return [
                self.id,
                number,
                format_stamp(done, tz),
                self.result_code,
                self.reason,
            ]
        return {
            "id": self.id,
            "jobId": self.job_id,
            "src": 0,
            "number": number,
            account.push_submit_key: int(self.submitted),
            "sendtm": int(self.sent_at or done),
            "donetm": int(done),
            "status": self.result_code,
            "reason": self.reason,
        }

    def as_dict(self) -> dict[str, Any]:
        """Return the message for the control API."""
        return {
            "id": self.id,
            "account": self.account,
            "number": self.number,
            "content": self.content,
            "smstype": self.smstype,
            "job_id": self.job_id,
            "phase": self.phase.value,
            "outcome": self.outcome.as_dict(),
            "submitted": self.submitted,
            "start": self.start,
            "sent_at": self.sent_at,
            "done_at": self.done_at,
        }
