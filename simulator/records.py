"""What the simulator remembers about traffic: requests, submissions and pushes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class RequestRecord:
    """One gateway request: never its password or query string."""

    at: float
    method: str
    endpoint: str
    account: str | None
    http_status: int
    status: int | None
    fault: str | None = None
    # Encrypted mode's seq as received (None without one): a repeat is visible here.
    seq: str | None = None
    # The ids a /getreport asked about, as received.
    ids: str | None = None


@dataclass(slots=True)
class SubmissionRecord:
    """A /sendsms or /smsjob request with its parsed parameters (password removed)."""

    at: float
    method: str
    endpoint: str
    account: str | None
    params: dict[str, Any]
    status: int
    numbers: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    job_id: int | None = None


@dataclass(slots=True)
class PushRecord:
    """One PUT of reports to an account's push URL."""

    at: float
    account: str
    url: str
    ids: list[int]
    http_status: int | None
    error: str | None = None
