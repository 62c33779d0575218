"""Credentials: plain or md5-signed passwords, the seq counter and secret redaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
import hashlib
import re
from typing import Protocol
from urllib.parse import quote, quote_plus

from yarl import URL

from .exceptions import EimsValidationError

type AuthParams = dict[str, str | int]

_REDACTED = "***"
_PASSWORD_PARAM = re.compile(r"(password=)[^&\s'\"#]*", re.IGNORECASE)


class SeqSource(Protocol):
    """
    The signer of one account: every `seq` larger than all before, even across restarts.

    Every client of the account shares it, and its `lock`: requests are signed and sent one
    at a time, so the gateway sees the values in order.
    """

    @property
    def lock(self) -> asyncio.Lock:
        """Held while a signed request is in flight."""

    def next_seq(self) -> int:
        """Return the next value; synchronous so concurrent coroutines get distinct values."""

    def skip_to(self, floor: int) -> None:
        """Continue at `floor` or above: the gateway has seen higher values than ours."""


class MemorySeqSource:
    """A seq source kept in memory only: it starts again at `start` after a restart."""

    def __init__(self, start: int = 1) -> None:
        """Start counting at `start`."""
        self._next = start
        self.lock = asyncio.Lock()

    def next_seq(self) -> int:
        """Return the next value."""
        value = self._next
        self._next += 1
        return value

    def skip_to(self, floor: int) -> None:
        """Continue at `floor` or above."""
        self._next = max(self._next, floor)


def md5_token(account: str, password: str, seq: int, timestamp: int, key: str) -> str:
    """Return the spec's signed password: md5(account + password + seq + time + key)."""
    text = f"{account}{password}{seq}{timestamp}{key}"
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324


@dataclass(slots=True)
class Credentials:
    """Account and secrets; `repr` never shows the secrets."""

    account: str
    password: str = field(repr=False)
    key: str | None = field(default=None, repr=False)
    seq_source: SeqSource = field(default_factory=MemorySeqSource, repr=False)
    _last_seq: int | None = field(default=None, init=False, repr=False)

    @property
    def encrypted(self) -> bool:
        """Whether the password is sent as an md5 token."""
        return self.key is not None

    def params(self, clock: Callable[[], float]) -> AuthParams:
        """Return the auth fields of one request, taking a fresh seq in encrypted mode."""
        if self.key is None:
            return {"account": self.account, "password": self.password}
        seq = self.seq_source.next_seq()
        if self._last_seq is not None and seq <= self._last_seq:
            raise EimsValidationError("seq", "seq_not_increasing", seq)
        self._last_seq = seq
        timestamp = int(clock())
        token = md5_token(self.account, self.password, seq, timestamp, self.key)
        return {
            "account": self.account,
            "password": token,
            "seq": seq,
            "time": timestamp,
        }

    def secrets(self, params: AuthParams) -> list[str]:
        """Return every secret a request carries: password, key and md5 token."""
        return [
            value
            for value in (self.password, self.key, params.get("password"))
            if isinstance(value, str) and value
        ]


def _encoded_forms(secret: str) -> Iterable[str]:
    """Yield the secret as it may appear in a URL, most specific first."""
    yield URL.build(query={"x": secret}).raw_query_string[2:]
    yield quote_plus(secret)
    yield quote(secret, safe="")
    yield secret


def redact(text: str, secrets: Iterable[str]) -> str:
    """Remove secrets, in plain and URL-encoded forms, and any `password=` value."""
    for secret in secrets:
        for form in _encoded_forms(secret):
            if form:
                text = text.replace(form, _REDACTED)
    return _PASSWORD_PARAM.sub(rf"\g<1>{_REDACTED}", text)
