"""Opening a conversation of 1,000 messages: `eims.get_messages`, and the card's subscription."""

from __future__ import annotations

from dataclasses import dataclass
import json
import statistics
import time
from typing import Any

import aiohttp
from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.auth.models import TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN

from custom_components.eims.const import DOMAIN

from .home import Home, async_add_entry, async_remove_entry, runtime_of
from .scenarios import Bench

THREAD = 1000
RUNS = 5
SENDER = "+8613800000000"


@dataclass(frozen=True, slots=True)
class ConversationResult:
    """Medians of `RUNS` openings of one conversation, in seconds, and the first event's size."""

    messages: int
    get_messages: float
    subscribe: float
    event_bytes: int


async def _access_token(home: Home) -> str:
    """Return a token of a new non-admin user: the card needs no admin rights."""
    hass = home.hass
    user = await hass.auth.async_create_user("bench", group_ids=[GROUP_ID_USER])
    refresh = await hass.auth.async_create_refresh_token(
        user, client_name="bench", token_type=TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN
    )
    return hass.auth.async_create_access_token(refresh)


async def _subscribe_once(
    session: aiohttp.ClientSession, home: Home, token: str, entry_id: str
) -> tuple[float, int, int]:
    """Subscribe as the card does; return the seconds until the history is read, its size and length."""
    async with session.ws_connect(
        f"http://127.0.0.1:{home.http_port}/api/websocket"
    ) as socket:
        await socket.receive_json()
        await socket.send_json({"type": "auth", "access_token": token})
        if (await socket.receive_json())["type"] != "auth_ok":
            raise RuntimeError("the bench user was refused")
        start = time.perf_counter()
        await socket.send_json(
            {
                "id": 1,
                "type": f"{DOMAIN}/messages/subscribe",
                "config_entry_id": entry_id,
            }
        )
        if not (await socket.receive_json())["success"]:
            raise RuntimeError("the subscription was refused")
        raw = (await socket.receive()).data
        event: dict[str, Any] = json.loads(raw)["event"]
        elapsed = time.perf_counter() - start
    return elapsed, len(raw), len(event["messages"])


async def conversation(bench: Bench, home: Home) -> ConversationResult:
    """Fill one conversation with 1,000 received SMS, then open it both ways."""
    entry = await async_add_entry(bench.hass, bench.gateway.port)
    for index in range(THREAD):
        await bench.gateway.add_inbound(SENDER, f"Message number {index} of the thread")
    await runtime_of(entry).messages.async_refresh()
    await bench.hass.async_block_till_done()
    reads: list[float] = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = await bench.hass.services.async_call(
            DOMAIN,
            "get_messages",
            {"config_entry_id": entry.entry_id, "number": SENDER, "limit": THREAD},
            blocking=True,
            return_response=True,
        )
        reads.append(time.perf_counter() - start)
        if response is None or len(response["messages"]) != THREAD:  # type: ignore[arg-type]
            raise RuntimeError("the conversation is not whole")
    token = await _access_token(home)
    opened: list[float] = []
    async with aiohttp.ClientSession() as session:
        for _ in range(RUNS):
            elapsed, size, count = await _subscribe_once(
                session, home, token, entry.entry_id
            )
            if count != THREAD:
                raise RuntimeError(f"the subscription sent {count} of {THREAD}")
            opened.append(elapsed)
    await async_remove_entry(bench.hass, entry)
    return ConversationResult(
        messages=THREAD,
        get_messages=statistics.median(reads),
        subscribe=statistics.median(opened),
        event_bytes=size,
    )


def conversation_line(result: ConversationResult) -> str:
    """Return the figures as the report prints them."""
    return (
        f"Opening a conversation of {result.messages:,} messages (median of {RUNS}):"
        f" eims.get_messages {result.get_messages * 1000:.1f} ms;"
        f" the card's subscription to its whole history, read over the websocket,"
        f" {result.subscribe * 1000:.1f} ms ({result.event_bytes / 1024:.0f} KiB)."
    )
