"""Pushing final reports to each account's URL by HTTP PUT, at most 50 per request."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from .accounts import check_push_url
from .records import PushRecord
from .state import GatewayState

_LOGGER = logging.getLogger(__name__)
MAX_REPORTS_PER_PUSH = 50
MAX_PUSH_ATTEMPTS = 3
PUSH_TIMEOUT = aiohttp.ClientTimeout(total=10)


class ReportPusher:
    """Sends what the state queued for pushing; failed reports are retried, then dropped."""

    def __init__(self, state: GatewayState) -> None:
        """Push for `state`; pushing starts once `open` made an HTTP session."""
        self._state = state
        self._session: aiohttp.ClientSession | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        """Create the HTTP session pushes use."""
        self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def flush(self) -> None:
        """Push everything that is ready, in batches of at most 50."""
        async with self._lock:
            if self._session is None:
                return
            for name in list(self._state.push_queue):
                ids = self._state.push_queue.pop(name)
                account = self._state.accounts.get(name)
                if account is None or account.push_url is None:
                    continue
                for start in range(0, len(ids), MAX_REPORTS_PER_PUSH):
                    await self._push(
                        self._session,
                        name,
                        account.push_url,
                        ids[start : start + MAX_REPORTS_PER_PUSH],
                    )

    async def _push(
        self, session: aiohttp.ClientSession, name: str, url: str, ids: list[int]
    ) -> None:
        """PUT one batch; on failure queue its reports again until they run out of attempts."""
        state = self._state
        account = state.accounts[name]
        body: dict[str, Any] = {"type": "report", "cnt": len(ids)}
        if account.push_version == "2.0":
            body["ver"] = "V2.0"
        body["array"] = [state.messages[i].push_item(account, state.tz) for i in ids]
        record = PushRecord(
            at=state.now(), account=name, url=url, ids=ids, http_status=None
        )
        state.pushes.append(record)
        try:
            async with session.put(
                check_push_url(url), json=body, timeout=PUSH_TIMEOUT
            ) as response:
                record.http_status = response.status
                if response.status < 300:
                    return
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            record.error = type(err).__name__
        _LOGGER.debug("push of %d reports for %s failed", len(ids), name)
        for message_id in ids:
            attempts = state.push_attempts.get(message_id, 0) + 1
            state.push_attempts[message_id] = attempts
            if attempts < MAX_PUSH_ATTEMPTS:
                state.push_queue.setdefault(name, []).append(message_id)
