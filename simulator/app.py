"""The aiohttp application: gateway endpoints, injected faults and the background ticker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
import json
import logging

from aiohttp import web

from .control import build_control_app
from .faults import ENDPOINTS, TIMING_FAULTS, Fault, FaultKind
from .gateway import Call, answer
from .keys import PUSHER_KEY, STATE_KEY
from .params import Params
from .push import ReportPusher
from .records import RequestRecord
from .state import GatewayState

_LOGGER = logging.getLogger(__name__)
JSON = "application/json"
MALFORMED_BODY = '{"status":0,"array":[[1,'


async def read_params(request: web.Request) -> Params:
    """Merge the query string and, for POST, the JSON body; keys are case-insensitive."""
    params: Params = {key.lower(): value for key, value in request.query.items()}
    if request.method == "POST":
        try:
            body = json.loads(await request.text() or "null")
        except ValueError:
            body = None
        if isinstance(body, dict):
            params.update({str(key).lower(): value for key, value in body.items()})
    return params


def _reply(text: str, content_type: str, status: int = 200) -> web.Response:
    return web.Response(
        text=text, status=status, content_type=content_type, charset="utf-8"
    )


def _broken_reply(
    kind: FaultKind, request: web.Request, record: RequestRecord, content_type: str
) -> web.StreamResponse:
    """Answer as a broken gateway does: HTTP 500, malformed JSON or no answer at all."""
    if kind is FaultKind.HTTP500:
        record.http_status = 500
        return _reply("500 Internal Server Error", "text/plain", 500)
    if kind is FaultKind.MALFORMED:
        return _reply(MALFORMED_BODY, content_type)
    record.http_status = 0
    if request.transport is not None:
        request.transport.close()
    # aiohttp gives up quietly writing this reply to the closed transport.
    return web.Response()


def _endpoint_handler(
    endpoint: str,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Build the handler of one gateway endpoint (GET and POST)."""

    async def handle(request: web.Request) -> web.StreamResponse:
        state = request.app[STATE_KEY]
        params = await read_params(request)
        state.tick()
        name = params.get("account")
        name = name if isinstance(name, str) else None
        seq = params.get("seq")
        ids = params.get("ids")
        record = RequestRecord(
            state.now(),
            request.method,
            endpoint,
            name,
            200,
            None,
            seq=None if seq is None else str(seq),
            ids=None if ids is None else str(ids),
        )
        state.requests.append(record)
        faults = state.take_faults(name, endpoint)
        if delay := sum(f.seconds for f in faults if f.kind is FaultKind.LATENCY):
            await asyncio.sleep(delay)
        failure: Fault | None = next(
            (f for f in faults if f.kind not in TIMING_FAULTS), None
        )
        account = state.accounts.get(name) if name is not None else None
        content_type = account.content_type if account is not None else JSON
        if failure is None:
            reply = answer(state, endpoint, Call(request.method, params))
            if hold := sum(f.seconds for f in faults if f.kind is FaultKind.HOLD):
                await asyncio.sleep(hold)
        else:
            record.fault = failure.kind.value
            reply = {"status": failure.status}
        for fault in faults:
            await fault.wait_at_gate()
        if failure is not None and failure.kind is not FaultKind.STATUS:
            return _broken_reply(failure.kind, request, record, content_type)
        record.status = reply["status"]
        _LOGGER.info(
            "%s /%s account=%s status=%s", request.method, endpoint, name, record.status
        )
        return _reply(json.dumps(reply), content_type)

    return handle


async def _run_ticker(app: web.Application, interval: float) -> None:
    """Step time-driven messages, fire jobs and push reports, forever."""
    while True:
        await asyncio.sleep(interval)
        app[STATE_KEY].tick()
        await app[PUSHER_KEY].flush()


def create_app(
    state: GatewayState, *, tick_seconds: float | None = 0.2
) -> web.Application:
    """Build the simulator; `tick_seconds` None leaves time-driven work to the control API."""
    app = web.Application()
    app[STATE_KEY] = state
    for endpoint in ENDPOINTS:
        handler = _endpoint_handler(endpoint)
        app.router.add_get(f"/{endpoint}", handler, allow_head=False)
        app.router.add_post(f"/{endpoint}", handler)
    app.add_subapp("/_sim/", build_control_app())

    pusher = app[PUSHER_KEY] = ReportPusher(state)

    async def background(app: web.Application) -> AsyncIterator[None]:
        await pusher.open()
        ticker = None
        if tick_seconds is not None:
            ticker = asyncio.create_task(_run_ticker(app, tick_seconds))
        yield
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
        await pusher.close()

    app.cleanup_ctx.append(background)
    return app
