"""Accounts of the simulated gateway and the options that shape their replies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from yarl import URL


class InvalidInputError(ValueError):
    """Control input (account options, outcomes, faults) that cannot be used."""


class OutcomeKind(StrEnum):
    """How a message to a number ends."""

    DELIVERED = "delivered"
    FAILED = "failed"
    UNDELIVERED = "undelivered"
    TIMEOUT = "timeout"
    UNKNOWN = "unknown"
    REJECTED = "rejected"


# Report code used when a non-delivered outcome is given without one.
DEFAULT_CODES = {
    OutcomeKind.DELIVERED: 0,
    OutcomeKind.FAILED: 1004,
    OutcomeKind.UNDELIVERED: 1005,
    OutcomeKind.TIMEOUT: 1006,
    OutcomeKind.UNKNOWN: 1004,
    OutcomeKind.REJECTED: 1011,
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """The fate of a message: its kind and, for failures, the report code (1001-1023)."""

    kind: OutcomeKind = OutcomeKind.DELIVERED
    code: int = 0

    @classmethod
    def parse(cls, spec: Any) -> Outcome:
        """Read "timeout" or {"outcome": "failed", "code": 1011}."""
        if isinstance(spec, str):
            spec = {"outcome": spec}
        if not isinstance(spec, Mapping) or set(spec) - {"outcome", "code"}:
            raise InvalidInputError(
                "an outcome is a kind or {'outcome': kind, 'code': int}"
            )
        kind = OutcomeKind(spec.get("outcome", OutcomeKind.DELIVERED))
        code = spec.get("code", DEFAULT_CODES[kind])
        if not isinstance(code, int) or isinstance(code, bool):
            raise InvalidInputError("an outcome code is an integer")
        return cls(kind, 0 if kind is OutcomeKind.DELIVERED else code)

    def as_dict(self) -> dict[str, Any]:
        """Return the outcome as JSON."""
        return {"outcome": self.kind.value, "code": self.code}


@dataclass(slots=True)
class InboundSms:
    """A received SMS waiting in an account's queue; `payload` is the row's base64 text."""

    id: int
    sender: str
    receiver: str
    received: float
    payload: str
    # Handed out as it is instead of the row built from the fields: a malformed row.
    row: list[Any] | None = None


@dataclass
class Account:
    """One customer account: credentials, money, reply forms and runtime queues."""

    name: str
    password: str = ""
    key: str | None = None
    balance: Decimal = Decimal("100.00")
    gift: Decimal = Decimal("0.00")
    price: Decimal = Decimal("0.05")
    mms_price: Decimal = Decimal("0.20")
    sensitive_words: list[str] = field(default_factory=list)
    length_unit: str = "chars"
    locked: bool = False
    step_seconds: float = 1.0
    deliver_reports: bool = True
    report_fields: int = 4
    number_form: str = "int"
    getsms_receiver: bool = False
    content_type: str = "application/json"
    receiver: str = "10690000"
    push_url: str | None = None
    push_version: str = "1.0"
    push_submit_key: str = "submittm"
    default_outcome: Outcome = field(default_factory=Outcome)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    inbound: list[InboundSms] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)

    def outcome_for(self, number: str) -> Outcome:
        """Return the configured fate of a message to `number` (digits)."""
        return self.outcomes.get(number, self.default_outcome)

    def render_number(self, number: str) -> int | str:
        """Render a number's digits in the account's form (int, "digits" or "+digits")."""
        if self.number_form == "int":
            return int(number)
        return f"+{number}" if self.number_form == "plus" else number

    def as_dict(self) -> dict[str, Any]:
        """Return the account's options and money as JSON, without its secrets."""
        return {
            "name": self.name,
            "encrypted": self.key is not None,
            "balance": str(self.balance),
            "gift": str(self.gift),
            "price": str(self.price),
            "mms_price": str(self.mms_price),
            "sensitive_words": self.sensitive_words,
            "length_unit": self.length_unit,
            "locked": self.locked,
            "step_seconds": self.step_seconds,
            "deliver_reports": self.deliver_reports,
            "report_fields": self.report_fields,
            "number_form": self.number_form,
            "getsms_receiver": self.getsms_receiver,
            "content_type": self.content_type,
            "receiver": self.receiver,
            "push_url": self.push_url,
            "push_version": self.push_version,
            "push_submit_key": self.push_submit_key,
            "default_outcome": self.default_outcome.as_dict(),
            "outcomes": {n: o.as_dict() for n, o in self.outcomes.items()},
            "inbound_waiting": len(self.inbound),
            "seqs": self.seqs,
        }


def check_push_url(url: str) -> str:
    """Accept only an http URL on 127.0.0.1: the simulator never connects elsewhere."""
    parsed = URL(url)
    if parsed.scheme != "http" or parsed.host != "127.0.0.1":
        raise InvalidInputError("the push URL must be http://127.0.0.1:PORT/...")
    return url


def _money(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise InvalidInputError("an amount is a decimal string or a number")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInputError(f"not an amount: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInputError("an amount is finite and not negative")
    return amount


def _choice(*allowed: Any) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, bool) or value not in allowed:
            raise InvalidInputError(f"expected one of {allowed}")
        return value

    return convert


def _typed(kind: type) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if not isinstance(value, kind):
            raise InvalidInputError(f"expected {kind.__name__}")
        return value

    return convert


def _optional(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _words(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise InvalidInputError("expected a list of strings")
    return list(value)


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InvalidInputError("expected seconds >= 0")
    return float(value)


def _outcomes(value: Any) -> dict[str, Outcome]:
    if not isinstance(value, Mapping):
        raise InvalidInputError("expected {number: outcome}")
    return {str(n).removeprefix("+"): Outcome.parse(o) for n, o in value.items()}


_OPTIONS: dict[str, Callable[[Any], Any]] = {
    "password": _typed(str),
    "key": _optional(_typed(str)),
    "balance": _money,
    "gift": _money,
    "price": _money,
    "mms_price": _money,
    "sensitive_words": _words,
    "length_unit": _choice("chars", "bytes"),
    "locked": _typed(bool),
    "step_seconds": _seconds,
    "deliver_reports": _typed(bool),
    "report_fields": _choice(4, 6, 7),
    "number_form": _choice("int", "str", "plus"),
    "getsms_receiver": _typed(bool),
    "content_type": _choice("application/json", "text/html"),
    "receiver": _typed(str),
    "push_url": _optional(check_push_url),
    "push_version": _choice("1.0", "2.0"),
    "push_submit_key": _choice("submittm", "sumbmittm"),
    "default_outcome": Outcome.parse,
    "outcomes": _outcomes,
}
OPTION_NAMES = frozenset(_OPTIONS)


def apply_options(account: Account, options: Mapping[str, Any]) -> None:
    """Check every option first, then set them all; ValueError names the bad one."""
    unknown = set(options) - OPTION_NAMES
    if unknown:
        raise InvalidInputError(f"unknown account options: {sorted(unknown)}")
    converted: dict[str, Any] = {}
    for name, value in options.items():
        try:
            converted[name] = _OPTIONS[name](value)
        except ValueError as err:
            raise InvalidInputError(f"{name}: {err}") from None
    for name, value in converted.items():
        setattr(account, name, value)


def build_account(name: str, options: Mapping[str, Any]) -> Account:
    """Create an account from JSON-like options."""
    if not isinstance(name, str) or not name:
        raise InvalidInputError("an account needs a name")
    account = Account(name)
    apply_options(account, options)
    if not account.password:
        raise InvalidInputError("an account needs a password")
    return account


DEMO_OPTIONS: dict[str, Any] = {
    "password": "demo",
    "balance": "100.00",
    "gift": "5.00",
    "price": "0.05",
}


def demo_account(name: str = "demo", **options: Any) -> Account:
    """Create the development account (demo/demo, 100.00 + 5.00 gift, 0.05 per SMS)."""
    return build_account(name, DEMO_OPTIONS | options)
