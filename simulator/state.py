"""The gateway's whole state: accounts, messages, jobs, faults, logs and the clock."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
import copy
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
import hashlib
import hmac
import time
from typing import Any

from .accounts import Account, InboundSms, Outcome, OutcomeKind
from .faults import TIMING_FAULTS, Fault
from .jobs import Job, JobRun
from .messages import Message, Phase
from .params import Params, read_opt_int
from .records import PushRecord, RequestRecord, SubmissionRecord
from .status import Status, StatusError

MAX_INBOUND_PER_CALL = 50
NO_BALANCE_CODE = 1003


@dataclass(slots=True)
class Batch:
    """Messages of one content to several numbers, as one sendsms item asks."""

    numbers: list[str]
    content: str
    smstype: int = 0
    start: float | None = None


def _unlocked(account: Account) -> Account:
    """Return the authenticated account unless it is locked (-13)."""
    if account.locked:
        raise StatusError(Status.LOCKED)
    return account


def local_zone() -> tzinfo:
    """Return the machine's local time zone: the gateway's clock has no zone of its own."""
    zone = datetime.now(UTC).astimezone().tzinfo
    return zone if zone is not None else UTC


class GatewayState:
    """Everything the simulated gateway knows; tests may read and change it directly."""

    def __init__(
        self,
        accounts: Iterable[Account] = (),
        *,
        clock: Callable[[], float] = time.time,
        tz: tzinfo | None = None,
    ) -> None:
        """Start with `accounts`; `clock` returns unix seconds and may be a ManualClock."""
        self.clock = clock
        self.tz = tz or local_zone()
        self._initial = [copy.deepcopy(account) for account in accounts]
        self.faults: list[Fault] = []
        self.reset()

    def reset(self) -> None:
        """Forget all traffic and restore the accounts as they were at start."""
        self.offset = 0.0
        self.accounts: dict[str, Account] = {
            account.name: copy.deepcopy(account) for account in self._initial
        }
        self.messages: dict[int, Message] = {}
        self.jobs: dict[int, Job] = {}
        self.clear_faults()
        self.requests: list[RequestRecord] = []
        self.submissions: list[SubmissionRecord] = []
        self.pushes: list[PushRecord] = []
        self.push_queue: dict[str, list[int]] = {}
        self.push_attempts: dict[int, int] = {}
        self._active: set[int] = set()
        self._next_message_id = 1
        self._next_job_id = 1
        self._next_inbound_id = 1
        self._next_fault_id = 1

    def now(self) -> float:
        """Return the simulator's time: the clock plus time advanced through the control API."""
        return self.clock() + self.offset

    def advance_time(self, seconds: float) -> None:
        """Move simulated time forward and let messages and jobs catch up."""
        self.offset += seconds
        self.tick()

    def add_account(self, account: Account) -> None:
        """Add or replace an account (not kept across reset)."""
        self.accounts[account.name] = account

    def authenticate(self, params: Params) -> Account:
        """Return the account the request authenticates as; -1 otherwise."""
        name, password = params.get("account"), params.get("password")
        account = self.accounts.get(name) if isinstance(name, str) else None
        if account is None or not isinstance(password, str) or not password:
            raise StatusError(Status.AUTH_ERROR)
        if account.key is None:
            if not hmac.compare_digest(password.encode(), account.password.encode()):
                raise StatusError(Status.AUTH_ERROR)
            return _unlocked(account)
        seq = read_opt_int(params, "seq", Status.AUTH_ERROR)
        stamp = read_opt_int(params, "time", Status.AUTH_ERROR)
        if seq is None or stamp is None:
            raise StatusError(Status.AUTH_ERROR)
        token = f"{name}{account.password}{seq}{stamp}{account.key}".encode()
        expected = hashlib.md5(token, usedforsecurity=False).hexdigest()
        if not hmac.compare_digest(password.lower().encode(), expected.encode()):
            raise StatusError(Status.AUTH_ERROR)
        previous = max(account.seqs, default=0)
        account.seqs.append(seq)
        if seq <= previous:
            raise StatusError(Status.AUTH_ERROR)
        return _unlocked(account)

    def cost(self, account: Account, batches: Iterable[Batch]) -> Decimal:
        """Return the price of sending `batches` (rejected numbers cost nothing)."""
        total = Decimal(0)
        for batch in batches:
            price = account.mms_price if batch.smstype == 1 else account.price
            payable = [
                number
                for number in batch.numbers
                if account.outcome_for(number).kind is not OutcomeKind.REJECTED
            ]
            total += price * len(payable)
        return total

    def charge(self, account: Account, amount: Decimal) -> bool:
        """Take `amount`, gift first, then balance; False (nothing taken) if short."""
        if account.gift + account.balance < amount:
            return False
        from_gift = min(account.gift, amount)
        account.gift -= from_gift
        account.balance -= amount - from_gift
        return True

    def send(
        self,
        account: Account,
        batches: list[Batch],
        *,
        job_id: int = 0,
        when: float | None = None,
    ) -> tuple[list[Message], int]:
        """
        Charge and create the messages; -10 when the account cannot pay them all.

        Returns the messages and how many numbers were refused at submission.
        """
        if not self.charge(account, self.cost(account, batches)):
            raise StatusError(Status.NO_BALANCE)
        now = self.now() if when is None else when
        created: list[Message] = []
        refused = 0
        for batch in batches:
            for number in batch.numbers:
                outcome = account.outcome_for(number)
                if outcome.kind is OutcomeKind.REJECTED:
                    refused += 1
                    continue
                created.append(
                    self._new_message(
                        account=account,
                        number=number,
                        batch=batch,
                        outcome=outcome,
                        now=now,
                        job_id=job_id,
                    )
                )
        return created, refused

    def _new_message(
        self,
        *,
        account: Account,
        number: str,
        batch: Batch,
        outcome: Outcome,
        now: float,
        job_id: int,
    ) -> Message:
        message = Message(
            id=self._next_message_id,
            account=account.name,
            number=number,
            content=batch.content,
            smstype=batch.smstype,
            submitted=now,
            start=max(now, batch.start or now),
            outcome=outcome,
            deliver_reports=account.deliver_reports,
            job_id=job_id,
            changed=now,
        )
        self._next_message_id += 1
        self.messages[message.id] = message
        self._active.add(message.id)
        return message

    def add_job(self, job: Job) -> Job:
        """Store a checked job and run it at once if it is due."""
        self.jobs[job.id] = job
        self._next_job_id = max(self._next_job_id, job.id + 1)
        job.schedule_first(self.tz)
        self.tick()
        return job

    def next_job_id(self) -> int:
        """Return the id the next job will get."""
        return self._next_job_id

    def _run_job(self, job: Job, at: float) -> None:
        """Fire a job: the same lifecycle as sendsms; an unpaid run fails with 1003."""
        account = self.accounts[job.account]
        batch = Batch(job.numbers, job.content, job.smstype, at)
        try:
            messages, _ = self.send(account, [batch], job_id=job.id, when=at)
        except StatusError:
            unpaid = Outcome(OutcomeKind.FAILED, NO_BALANCE_CODE)
            messages = [
                self._new_message(
                    account=account,
                    number=number,
                    batch=batch,
                    outcome=unpaid,
                    now=at,
                    job_id=job.id,
                )
                for number in job.numbers
            ]
        job.runs.append(JobRun(at, [m.id for m in messages]))
        job.schedule_after(at, self.tz)

    def tick(self) -> None:
        """Fire due jobs, step time-driven messages and queue final ones for pushing."""
        now = self.now()
        for job in list(self.jobs.values()):
            while job.next_run is not None and job.next_run <= now:
                self._run_job(job, job.next_run)
        for message_id in sorted(self._active):
            message = self.messages[message_id]
            step = self.accounts[message.account].step_seconds
            while (due := message.due(step)) is not None and due <= now:
                message.step(due)
            self._settle(message)

    def step_messages(
        self,
        *,
        account: str | None = None,
        ids: Iterable[int] | None = None,
        steps: int | None = 1,
        force: bool = False,
    ) -> list[int]:
        """Step messages by hand (`steps` None: to the end); scheduled ones wait unless forced."""
        now = self.now()
        wanted = set(ids) if ids is not None else None
        moved: list[int] = []
        for message_id in sorted(self._active):
            message = self.messages[message_id]
            if (account is not None and message.account != account) or (
                wanted is not None and message_id not in wanted
            ):
                continue
            if message.phase is Phase.UNSENT and message.start > now and not force:
                continue
            remaining = steps
            while not message.final and (remaining is None or remaining > 0):
                message.step(now)
                remaining = None if remaining is None else remaining - 1
            moved.append(message_id)
            self._settle(message)
        return moved

    def _settle(self, message: Message) -> None:
        """Retire a final message and queue its report for the account's push URL."""
        if not message.final:
            return
        self._active.discard(message.id)
        if self.accounts[message.account].push_url is not None:
            self.push_queue.setdefault(message.account, []).append(message.id)

    def add_inbound(
        self,
        account: Account,
        *,
        sender: str,
        content: str = "",
        encoding: str = "utf-8",
        payload: str | None = None,
        receiver: str | None = None,
        received: float | None = None,
        inbound_id: int | None = None,
        duplicate: bool = False,
        row: list[Any] | None = None,
    ) -> InboundSms:
        """
        Queue a received SMS; `payload` overrides the base64 text (it may be invalid).

        `row` replaces the whole getsms row, to hand out a malformed one.
        """
        if inbound_id is None:
            inbound_id = self._next_inbound_id
        self._next_inbound_id = max(self._next_inbound_id, inbound_id + 1)
        text = payload
        if text is None:
            text = base64.b64encode(content.encode(encoding)).decode()
        sms = InboundSms(
            id=inbound_id,
            sender=sender.removeprefix("+"),
            receiver=(receiver or account.receiver).removeprefix("+"),
            received=self.now() if received is None else received,
            payload=text,
            row=row,
        )
        account.inbound.extend([sms, copy.copy(sms)] if duplicate else [sms])
        return sms

    def take_inbound(
        self, account: Account, start_time: int | None
    ) -> list[InboundSms]:
        """Remove and return up to 50 waiting SMS received at or after `start_time`."""
        taken: list[InboundSms] = []
        kept: list[InboundSms] = []
        for sms in account.inbound:
            fits = start_time is None or sms.received >= start_time
            if fits and len(taken) < MAX_INBOUND_PER_CALL:
                taken.append(sms)
            else:
                kept.append(sms)
        account.inbound = kept
        return taken

    def add_fault(self, data: dict[str, Any]) -> Fault:
        """Install a fault described by control-API JSON."""
        fault = Fault.parse(self._next_fault_id, data)
        self._next_fault_id += 1
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every fault; replies held at a gate go."""
        for fault in self.faults:
            fault.release()
        self.faults.clear()

    def take_faults(self, account: str | None, endpoint: str) -> list[Fault]:
        """Return the faults hitting this request, using up one of each one's count."""
        hits: list[Fault] = []
        for fault in self.faults:
            if not fault.matches(account, endpoint):
                continue
            if fault.after:
                fault.after -= 1
            else:
                hits.append(fault)
        chosen = [f for f in hits if f.kind in TIMING_FAULTS]
        chosen += [f for f in hits if f.kind not in TIMING_FAULTS][:1]
        for fault in chosen:
            if fault.count is not None:
                fault.count -= 1
                if fault.count == 0:
                    self.faults.remove(fault)
        return chosen
