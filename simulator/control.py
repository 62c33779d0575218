"""The control API under /_sim/: shape accounts, inject traffic and faults, read logs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import dataclasses
import json
from typing import Any

from aiohttp import web

from .accounts import Account, InvalidInputError, Outcome, apply_options, build_account
from .keys import PUSHER_KEY, STATE_KEY
from .state import GatewayState

routes = web.RouteTableDef()


@web.middleware
async def _errors(
    request: web.Request,
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> web.StreamResponse:
    """Answer bad input with 400 and an unknown account with 404, as JSON."""
    try:
        return await handler(request)
    except ValueError as err:
        return web.json_response({"error": str(err)}, status=400)
    except KeyError as err:
        return web.json_response({"error": f"unknown: {err.args[0]}"}, status=404)


def _state(request: web.Request) -> GatewayState:
    return request.config_dict[STATE_KEY]


def _account(request: web.Request) -> Account:
    return _state(request).accounts[request.match_info["name"]]


async def _body(request: web.Request) -> dict[str, Any]:
    """Return the JSON object sent (an empty body is {})."""
    body = json.loads(await request.text() or "{}")
    if not isinstance(body, dict):
        raise InvalidInputError("the body must be a JSON object")
    return body


def _records(items: list[Any], account: str | None) -> web.Response:
    return web.json_response(
        [
            dataclasses.asdict(item)
            for item in items
            if account is None or getattr(item, "account", None) == account
        ]
    )


async def _flush(request: web.Request) -> None:
    """Push what became final so the caller sees the pushes when the reply arrives."""
    await request.config_dict[PUSHER_KEY].flush()


@routes.get("/state")
async def get_state(request: web.Request) -> web.Response:
    """Summarise the simulator: time, accounts and counts."""
    state = _state(request)
    return web.json_response(
        {
            "now": state.now(),
            "accounts": [account.as_dict() for account in state.accounts.values()],
            "messages": len(state.messages),
            "jobs": len(state.jobs),
            "faults": [fault.as_dict() for fault in state.faults],
        }
    )


@routes.post("/reset")
async def reset(request: web.Request) -> web.Response:
    """Forget all traffic and restore the starting accounts."""
    _state(request).reset()
    return web.json_response({"ok": True})


@routes.post("/accounts")
async def put_account(request: web.Request) -> web.Response:
    """Create an account or update the options given for an existing one."""
    body = await _body(request)
    name = body.pop("name", None)
    state = _state(request)
    if isinstance(name, str) and name in state.accounts:
        account = state.accounts[name]
        apply_options(account, body)
    else:
        account = build_account(name, body)
        state.add_account(account)
    return web.json_response(account.as_dict())


@routes.get("/accounts/{name}")
async def get_account(request: web.Request) -> web.Response:
    """Show one account (never its password or key)."""
    return web.json_response(_account(request).as_dict())


@routes.post("/accounts/{name}/balance")
async def set_balance(request: web.Request) -> web.Response:
    """Set the balance and/or gift."""
    body = await _body(request)
    if set(body) - {"balance", "gift"}:
        raise InvalidInputError("only balance and gift")
    account = _account(request)
    apply_options(account, body)
    return web.json_response(
        {"balance": str(account.balance), "gift": str(account.gift)}
    )


@routes.post("/accounts/{name}/inbound")
async def inject_inbound(request: web.Request) -> web.Response:
    """Queue a received SMS; `duplicate` queues it twice, `row` hands out a raw row."""
    body = await _body(request)
    known = {
        "from",
        "to",
        "content",
        "encoding",
        "payload",
        "time",
        "id",
        "duplicate",
        "row",
    }
    if set(body) - known or not isinstance(body.get("from"), str):
        raise InvalidInputError(f"fields: {sorted(known)}; 'from' is required")
    if not isinstance(body.get("row", []), list):
        raise InvalidInputError("row is a JSON array")
    sms = _state(request).add_inbound(
        _account(request),
        sender=body["from"],
        content=str(body.get("content", "")),
        encoding=str(body.get("encoding", "utf-8")),
        payload=body.get("payload"),
        receiver=body.get("to"),
        received=body.get("time"),
        inbound_id=body.get("id"),
        duplicate=bool(body.get("duplicate", False)),
        row=body.get("row"),
    )
    return web.json_response(dataclasses.asdict(sms))


@routes.post("/accounts/{name}/outcomes")
async def set_outcome(request: web.Request) -> web.Response:
    """Decide how messages to a number end: {"number", "outcome", "code"?}."""
    body = await _body(request)
    number = str(body.pop("number", "")).removeprefix("+")
    if not number:
        raise InvalidInputError("a number is required")
    account = _account(request)
    account.outcomes[number] = Outcome.parse(body)
    return web.json_response({n: o.as_dict() for n, o in account.outcomes.items()})


@routes.delete("/accounts/{name}/outcomes")
async def clear_outcomes(request: web.Request) -> web.Response:
    """Go back to the default outcome for every number."""
    _account(request).outcomes.clear()
    return web.json_response({})


@routes.get("/faults")
async def list_faults(request: web.Request) -> web.Response:
    """List the installed faults."""
    return web.json_response([fault.as_dict() for fault in _state(request).faults])


@routes.post("/faults")
async def add_fault(request: web.Request) -> web.Response:
    """Install a fault: kind, and optionally account, endpoint, count, seconds, status."""
    fault = _state(request).add_fault(await _body(request))
    return web.json_response(fault.as_dict())


@routes.delete("/faults")
async def clear_faults(request: web.Request) -> web.Response:
    """Remove every fault; replies held at a gate go."""
    _state(request).clear_faults()
    return web.json_response([])


@routes.post("/time/advance")
async def advance_time(request: web.Request) -> web.Response:
    """Move simulated time forward by `seconds`, then push what became final."""
    seconds = (await _body(request)).get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise InvalidInputError("seconds must be a number >= 0")
    state = _state(request)
    state.advance_time(seconds)
    await _flush(request)
    return web.json_response({"now": state.now()})


@routes.post("/messages/advance")
async def advance_messages(request: web.Request) -> web.Response:
    """Step messages by hand: account?, ids?, steps (int or "final"), force."""
    body = await _body(request)
    steps = body.get("steps", 1)
    if steps != "final" and (not isinstance(steps, int) or isinstance(steps, bool)):
        raise InvalidInputError('steps is an integer or "final"')
    ids = body.get("ids")
    if ids is not None and not (
        isinstance(ids, list) and all(isinstance(i, int) for i in ids)
    ):
        raise InvalidInputError("ids is a list of integers")
    moved = _state(request).step_messages(
        account=body.get("account"),
        ids=ids,
        steps=None if steps == "final" else steps,
        force=bool(body.get("force", False)),
    )
    await _flush(request)
    return web.json_response({"moved": moved})


@routes.get("/messages")
async def list_messages(request: web.Request) -> web.Response:
    """List messages, optionally of one account."""
    account = request.query.get("account")
    return web.json_response(
        [
            message.as_dict()
            for message in _state(request).messages.values()
            if account is None or message.account == account
        ]
    )


@routes.get("/jobs")
async def list_jobs(request: web.Request) -> web.Response:
    """List stored jobs, optionally of one account."""
    account = request.query.get("account")
    return web.json_response(
        [
            job.as_dict()
            for job in _state(request).jobs.values()
            if account is None or job.account == account
        ]
    )


@routes.get("/sent")
async def list_sent(request: web.Request) -> web.Response:
    """List every sendsms and smsjob request with its parsed parameters (no password)."""
    return _records(_state(request).submissions, request.query.get("account"))


@routes.get("/requests")
async def list_requests(request: web.Request) -> web.Response:
    """List every gateway request: endpoint, method, time, status."""
    return _records(_state(request).requests, request.query.get("account"))


@routes.get("/pushes")
async def list_pushes(request: web.Request) -> web.Response:
    """List every push attempt."""
    return _records(_state(request).pushes, request.query.get("account"))


def build_control_app() -> web.Application:
    """Build the /_sim/ sub-application."""
    app = web.Application(middlewares=[_errors])
    app.add_routes(routes)
    return app
