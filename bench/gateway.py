"""
The gateway simulator in a process of its own, and the bench's side of its control API.

Its own process: its objects never count in the measured process's garbage collections,
and its work never holds the measured process's GIL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
import json
import subprocess
import sys
from typing import Any

import aiohttp

from custom_components.eims.api import Accepted

from .home import REPO

HOST = "127.0.0.1"


class SimulatorProcess:
    """Serve the demo account (changed by the options given) from `python -m bench.serve`."""

    def __init__(self, **account_options: Any) -> None:
        """Remember the demo account's options; `start` serves it."""
        self._options = account_options
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> int:
        """Start serving on 127.0.0.1 and return the port."""
        self._process = subprocess.Popen(  # noqa: S603 - this interpreter, our own code
            [sys.executable, "-m", "bench.serve", json.dumps(self._options)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        stdout = self._process.stdout
        line = stdout.readline() if stdout is not None else ""
        if not line:
            raise RuntimeError(f"the simulator did not start: {self._process.wait()}")
        return int(line)

    def stop(self) -> None:
        """Close its stdin, which ends it, and wait for it."""
        if self._process is not None:
            self._process.communicate(timeout=30)


@dataclass(frozen=True, slots=True)
class Gateway:
    """The running simulator, reached over 127.0.0.1 like a real gateway."""

    port: int
    session: aiohttp.ClientSession

    @property
    def control_url(self) -> str:
        """The control API's base URL."""
        return f"http://{HOST}:{self.port}/_sim"

    async def control(self, method: str, path: str, body: object | None = None) -> Any:
        """Call the simulator's control API and return its JSON answer."""
        async with self.session.request(
            method, f"{self.control_url}{path}", json=body
        ) as response:
            response.raise_for_status()
            return await response.json()

    async def requests(self) -> list[dict[str, Any]]:
        """Return every gateway request the simulator recorded, oldest first."""
        records: list[dict[str, Any]] = await self.control("GET", "/requests")
        return records

    async def requests_since(self, mark: int) -> Counter[str]:
        """Return requests per endpoint after the first `mark` recorded."""
        return Counter(record["endpoint"] for record in (await self.requests())[mark:])

    async def accepted(self) -> Accepted:
        """Return every message the gateway accepted by sendsms: message id -> number."""
        accepted: Accepted = {}
        for record in await self.control("GET", "/sent"):
            numbers, ids = record["numbers"], record["ids"]
            if record["endpoint"] == "sendsms" and len(ids) == len(numbers):
                accepted.update(zip(ids, numbers, strict=True))
            elif record["endpoint"] == "sendsms":
                raise RuntimeError(f"the gateway refused {len(numbers) - len(ids)}")
        return accepted

    async def pushes(self) -> list[dict[str, Any]]:
        """Return every push attempt, oldest first."""
        records: list[dict[str, Any]] = await self.control("GET", "/pushes")
        return records

    async def set_demo(self, **options: Any) -> None:
        """Change options of the demo account (e.g. its push URL)."""
        await self.control("POST", "/accounts", {"name": "demo", **options})

    async def add_inbound(self, sender: str, content: str) -> None:
        """Queue a received SMS for the demo account."""
        await self.control(
            "POST", "/accounts/demo/inbound", {"from": sender, "content": content}
        )
