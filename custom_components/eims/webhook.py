"""The endpoint the gateway pushes delivery reports to (HTTP PUT, or POST)."""

from __future__ import annotations

from functools import partial
from http import HTTPStatus
from typing import Final

from aiohttp import hdrs, web
from homeassistant.components import webhook
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

from .account import EimsAccount
from .api import EimsResponseError, parse_pushed_reports
from .const import DOMAIN, LOGGER
from .entry import EimsConfigEntry

# 50 reports take a few KiB: anything far bigger is not a report.
MAX_BODY_BYTES: Final = 64 * 1024


def _declared_length(request: web.Request) -> int:
    """Return the Content-Length header's value, 0 when absent or not a number."""
    length = request.headers.get(hdrs.CONTENT_LENGTH, "")
    return int(length) if length.isascii() and length.isdigit() else 0


async def _async_read_body(request: web.Request) -> bytes | None:
    """
    Read the body, or None when it is bigger than MAX_BODY_BYTES.

    Works for aiohttp's requests and for the MockRequest of cloudhooks and the websocket
    `webhook/handle` command, which has no `content_length` and a new reader per `content`.
    """
    if _declared_length(request) > MAX_BODY_BYTES:
        return None
    stream = request.content
    body = bytearray()
    while chunk := await stream.read(MAX_BODY_BYTES + 1 - len(body)):
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


async def async_handle_report_push(
    account: EimsAccount,
    hass: HomeAssistant,
    webhook_id: str,
    request: web.Request,
) -> web.Response:
    """Apply a pushed body of reports; anything else is refused, never raised."""
    body = await _async_read_body(request)
    if body is None:
        LOGGER.debug("Refused a pushed report body over %d bytes", MAX_BODY_BYTES)
        return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    if account.tracker.stopped:
        # The entry unloads or reloads: the gateway pushes again, or the next poll asks.
        return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE)
    try:
        reports = parse_pushed_reports(body, account.client.time_zone)
    except EimsResponseError as err:
        LOGGER.debug("Refused a pushed report body: %s", err)
        return web.Response(status=HTTPStatus.BAD_REQUEST)
    changed = account.tracker.async_handle_pushed(reports)
    LOGGER.debug("Pushed reports: %d received, %d applied", len(reports), changed)
    return web.Response(status=HTTPStatus.OK)


@callback
def async_register_webhook(
    hass: HomeAssistant, entry: EimsConfigEntry, account: EimsAccount
) -> CALLBACK_TYPE:
    """Listen for the account's pushed reports; return the function that stops listening."""
    webhook_id = entry.data[CONF_WEBHOOK_ID]
    webhook.async_register(
        hass,
        DOMAIN,
        f"EIMS delivery reports ({entry.title})",
        webhook_id,
        partial(async_handle_report_push, account),
        allowed_methods=("PUT", "POST"),
    )
    return partial(webhook.async_unregister, hass, webhook_id)
