"""The five gateway endpoints as functions of the state and the request's parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .accounts import Account
from .clock import format_stamp
from .jobs import JobType, parse_job
from .params import (
    Params,
    check_content,
    parse_numbers,
    parse_sendtime,
    read_int,
    read_opt_int,
    read_str,
    split_list,
)
from .records import SubmissionRecord
from .state import Batch, GatewayState
from .status import Status, StatusError

MAX_GET_NUMBERS = 100
MAX_POST_NUMBERS = 10000
MAX_REPORT_IDS = 200


@dataclass
class Call:
    """One request being answered, and what it submitted."""

    method: str
    params: Params
    numbers: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    job_id: int | None = None


type Endpoint = Callable[[GatewayState, Account, Call], dict[str, Any]]


def get_balance(state: GatewayState, account: Account, call: Call) -> dict[str, Any]:
    """Answer /getbalance."""
    return {
        "status": 0,
        "balance": f"{account.balance:.6f}",
        "gift": f"{account.gift:.6f}",
    }


def _batch(
    state: GatewayState, account: Account, item: Params, call: Call, limit: int
) -> Batch:
    """Check one sendsms item (the request itself or an smsarray element)."""
    numbers = parse_numbers(item.get("numbers"), limit)
    content = read_str(item, "content", Status.CONTENT_EMPTY)
    check_content(content, account.sensitive_words, account.length_unit)
    smstype = read_int(item, "smstype", 0, Status.PLATFORM_ERROR)
    if smstype not in (0, 1):
        raise StatusError(Status.PLATFORM_ERROR)
    sendtime = item.get("sendtime", call.params.get("sendtime"))
    return Batch(numbers, content, smstype, parse_sendtime(sendtime, state.tz))


def send_sms(state: GatewayState, account: Account, call: Call) -> dict[str, Any]:
    """Answer /sendsms: one content to many numbers, or an smsarray of them."""
    limit = MAX_GET_NUMBERS if call.method == "GET" else MAX_POST_NUMBERS
    items = call.params.get("smsarray", [call.params])
    if not isinstance(items, list) or not items:
        raise StatusError(Status.PLATFORM_ERROR)
    if not all(isinstance(item, dict) for item in items):
        raise StatusError(Status.PLATFORM_ERROR)
    batches = [
        _batch(state, account, {k.lower(): v for k, v in item.items()}, call, limit)
        for item in items
    ]
    call.numbers = [number for batch in batches for number in batch.numbers]
    if len(call.numbers) > limit:
        raise StatusError(Status.TOO_MANY)
    messages, refused = state.send(account, batches)
    call.ids = [message.id for message in messages]
    return {
        "status": 0,
        "success": len(messages),
        "fail": refused,
        "array": [[account.render_number(m.number), m.id] for m in messages],
    }


def get_report(state: GatewayState, account: Account, call: Call) -> dict[str, Any]:
    """Answer /getreport: rows in the account's form and the counters."""
    raw = split_list(call.params.get("ids"), Status.BAD_NUMBER)
    if not raw:
        raise StatusError(Status.NUMBERS_EMPTY)
    if len(raw) > MAX_REPORT_IDS:
        raise StatusError(Status.TOO_MANY)
    if not all(item.isdigit() for item in raw):
        raise StatusError(Status.BAD_NUMBER)
    counts = dict.fromkeys(("success", "fail", "unsent", "sending"), 0)
    delivery = dict.fromkeys(("deliverSuc", "deliverFail", "deliverTimeout"), 0)
    send_keys = {0: "success", 1: "unsent", 2: "sending"}
    deliver_keys = {2: "deliverFail", 3: "deliverSuc", 4: "deliverTimeout"}
    rows: list[list[Any]] = []
    nofound = 0
    for message_id in map(int, raw):
        message = state.messages.get(message_id)
        if message is None or message.account != account.name:
            nofound += 1
            continue
        rows.append(
            message.report_row(account, state.tz)
            if message.row is None
            else message.row
        )
        counts[send_keys.get(message.send_status, "fail")] += 1
        if (key := deliver_keys.get(message.deliver_status)) is not None:
            delivery[key] += 1
    reply: dict[str, Any] = {"status": 0, **counts}
    if account.deliver_reports:
        reply.update(delivery)
    return {**reply, "nofound": nofound, "array": rows}


def get_sms(state: GatewayState, account: Account, call: Call) -> dict[str, Any]:
    """Answer /getsms: hand out (and forget) up to 50 received SMS."""
    start_time = read_opt_int(call.params, "start_time", Status.BAD_TIME)
    rows: list[list[Any]] = []
    for sms in state.take_inbound(account, start_time):
        if sms.row is not None:
            rows.append(sms.row)
            continue
        row: list[Any] = [sms.id, account.render_number(sms.sender)]
        if account.getsms_receiver:
            row.append(account.render_number(sms.receiver))
        row += [format_stamp(sms.received, state.tz), sms.payload]
        rows.append(row)
    return {"status": 0, "cnt": len(rows), "array": rows}


def sms_job(state: GatewayState, account: Account, call: Call) -> dict[str, Any]:
    """Answer /smsjob: check and store the job; an immediate one must be paid now."""
    job = parse_job(call.params, account, state.next_job_id(), state.now())
    call.numbers = list(job.numbers)
    due_now = job.jobtype == JobType.IMMEDIATE and (job.plan_start or 0) <= state.now()
    batch = Batch(job.numbers, job.content, job.smstype)
    if due_now and account.balance + account.gift < state.cost(account, [batch]):
        raise StatusError(Status.NO_BALANCE)
    state.add_job(job)
    call.job_id = job.id
    call.ids = [message_id for run in job.runs for message_id in run.ids]
    return {"status": 0, "jobid": job.id}


ENDPOINTS: dict[str, Endpoint] = {
    "getbalance": get_balance,
    "sendsms": send_sms,
    "getreport": get_report,
    "getsms": get_sms,
    "smsjob": sms_job,
}
_SUBMITTING = frozenset({"sendsms", "smsjob"})


def answer(state: GatewayState, endpoint: str, call: Call) -> dict[str, Any]:
    """Authenticate and run one endpoint; record what sendsms and smsjob submitted."""
    name = call.params.get("account")
    try:
        account = state.authenticate(call.params)
        reply = ENDPOINTS[endpoint](state, account, call)
    except StatusError as err:
        reply = {"status": int(err.status)}
    if endpoint in _SUBMITTING:
        state.submissions.append(
            SubmissionRecord(
                at=state.now(),
                method=call.method,
                endpoint=endpoint,
                account=name if isinstance(name, str) else None,
                params={k: v for k, v in call.params.items() if k != "password"},
                status=reply["status"],
                numbers=call.numbers,
                ids=call.ids,
                job_id=call.job_id,
            )
        )
    return reply
