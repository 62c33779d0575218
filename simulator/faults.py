"""Faults the control API can inject into the gateway's answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .accounts import InvalidInputError

ENDPOINTS = ("getbalance", "sendsms", "getreport", "getsms", "smsjob")


class FaultKind(StrEnum):
    """What goes wrong; `latency` waits before answering, `hold` after (what it took is gone)."""

    LATENCY = "latency"
    HOLD = "hold"
    HTTP500 = "http500"
    DROP = "drop"
    MALFORMED = "malformed"
    STATUS = "status"


# Faults that delay a reply; they combine with each other and with one other fault.
TIMING_FAULTS = frozenset({FaultKind.LATENCY, FaultKind.HOLD})


@dataclass
class Fault:
    """A fault for the next `count` matching requests (None: until cleared)."""

    id: int
    kind: FaultKind
    account: str | None = None
    endpoint: str | None = None
    count: int | None = None
    seconds: float = 0.0
    status: int = 0

    @classmethod
    def parse(cls, fault_id: int, data: Mapping[str, Any]) -> Fault:
        """Build a fault from control-API JSON; ValueError when malformed."""
        unknown = set(data) - {
            "kind",
            "account",
            "endpoint",
            "count",
            "seconds",
            "status",
        }
        if unknown:
            raise InvalidInputError(f"unknown fault fields: {sorted(unknown)}")
        fault = cls(fault_id, FaultKind(str(data.get("kind"))))
        fault.account = data.get("account")
        fault.endpoint = data.get("endpoint")
        fault.count = data.get("count")
        fault.seconds = data.get("seconds", 0.0)
        fault.status = data.get("status", 0)
        if fault.account is not None and not isinstance(fault.account, str):
            raise InvalidInputError("account is a name")
        if fault.endpoint is not None and fault.endpoint not in ENDPOINTS:
            raise InvalidInputError(f"endpoint is one of {ENDPOINTS}")
        if fault.count is not None and (
            not isinstance(fault.count, int)
            or isinstance(fault.count, bool)
            or fault.count < 1
        ):
            raise InvalidInputError("count is a positive integer")
        if isinstance(fault.seconds, bool) or not isinstance(
            fault.seconds, int | float
        ):
            raise InvalidInputError("seconds is a number")
        if fault.kind is FaultKind.STATUS and (
            not isinstance(fault.status, int)
            or isinstance(fault.status, bool)
            or fault.status >= 0
        ):
            raise InvalidInputError("a status fault needs a negative status")
        return fault

    def matches(self, account: str | None, endpoint: str) -> bool:
        """Whether this fault applies to a request for `account` on `endpoint`."""
        return (self.account is None or self.account == account) and (
            self.endpoint is None or self.endpoint == endpoint
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the fault as JSON."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "account": self.account,
            "endpoint": self.endpoint,
            "count": self.count,
            "seconds": self.seconds,
            "status": self.status,
        }
