"""Faults the control API can inject into the gateway's answers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .accounts import InvalidInputError

ENDPOINTS = ("getbalance", "sendsms", "getreport", "getsms", "smsjob")


class FaultKind(StrEnum):
    """
    What goes wrong; `latency` waits before answering, `hold` after (what it took is gone).

    `gate` holds the reply, after the gateway acted, until the fault is released or cleared.
    """

    LATENCY = "latency"
    HOLD = "hold"
    GATE = "gate"
    HTTP500 = "http500"
    DROP = "drop"
    MALFORMED = "malformed"
    STATUS = "status"


# Faults that delay a reply; they combine with each other and with one other fault.
TIMING_FAULTS = frozenset({FaultKind.LATENCY, FaultKind.HOLD, FaultKind.GATE})


def _is_int(value: Any, *, low: int | None = None, high: int | None = None) -> bool:
    """Whether `value` is an integer (not a bool) within the bounds given."""
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and (low is None or value >= low)
        and (high is None or value <= high)
    )


@dataclass
class Fault:
    """A fault for the next `count` matching requests (None: until cleared), `after` spared."""

    id: int
    kind: FaultKind
    account: str | None = None
    endpoint: str | None = None
    count: int | None = None
    seconds: float = 0.0
    status: int = 0
    after: int = 0
    # A gate's: set when a reply is held at it, and when it lets replies go.
    reached: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    released: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

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
            "after",
        }
        if unknown:
            raise InvalidInputError(f"unknown fault fields: {sorted(unknown)}")
        fault = cls(fault_id, FaultKind(str(data.get("kind"))))
        fault.account = data.get("account")
        fault.endpoint = data.get("endpoint")
        fault.count = data.get("count")
        fault.seconds = data.get("seconds", 0.0)
        fault.status = data.get("status", 0)
        fault.after = data.get("after", 0)
        if fault.account is not None and not isinstance(fault.account, str):
            raise InvalidInputError("account is a name")
        if fault.endpoint is not None and fault.endpoint not in ENDPOINTS:
            raise InvalidInputError(f"endpoint is one of {ENDPOINTS}")
        if fault.count is not None and not _is_int(fault.count, low=1):
            raise InvalidInputError("count is a positive integer")
        if not _is_int(fault.after, low=0):
            raise InvalidInputError("after is an integer >= 0")
        if isinstance(fault.seconds, bool) or not isinstance(
            fault.seconds, int | float
        ):
            raise InvalidInputError("seconds is a number")
        if fault.kind is FaultKind.STATUS and not _is_int(fault.status, high=-1):
            raise InvalidInputError("a status fault needs a negative status")
        return fault

    def matches(self, account: str | None, endpoint: str) -> bool:
        """Whether this fault applies to a request for `account` on `endpoint`."""
        return (self.account is None or self.account == account) and (
            self.endpoint is None or self.endpoint == endpoint
        )

    async def wait_at_gate(self) -> None:
        """Hold a reply here until the gate is released (only a gate holds)."""
        if self.kind is FaultKind.GATE:
            self.reached.set()
            await self.released.wait()

    def release(self) -> None:
        """Let the replies held at this gate, and later ones, go."""
        self.released.set()

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
            "after": self.after,
        }
