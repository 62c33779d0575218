"""What an end-to-end test asks of the running Home Assistant and the gateway simulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
import itertools
from typing import Any

import aiohttp


class HassApiError(RuntimeError):
    """Home Assistant or the simulator answered with an error."""


class EventStream:
    """Events of one type from a websocket subscription, in the order they were fired."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap a websocket that is subscribed already."""
        self._websocket = websocket

    async def next(self, timeout: float = 30) -> dict[str, Any]:
        """Return the next event (its `data`, `event_type`, `time_fired`...)."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self._websocket.receive_json()
                if message.get("type") == "event":
                    return dict(message["event"])

    async def wait_for(
        self, matches: Callable[[dict[str, Any]], bool], timeout: float = 30
    ) -> dict[str, Any]:
        """Return the first event whose `data` `matches`, skipping the others."""
        seen: list[dict[str, Any]] = []
        try:
            async with asyncio.timeout(timeout):
                while not matches((event := await self.next(timeout))["data"]):
                    seen.append(event["data"])
        except TimeoutError:
            raise AssertionError(
                f"no matching event in {timeout} s; others seen: {seen}"
            ) from None
        return event


class HassApi:
    """Authenticated REST and websocket calls to hass, plain calls to the simulator."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        hass_url: str,
        access_token: str,
        simulator_url: str,
    ) -> None:
        """Use `session` for everything; the token is a secret and never logged."""
        self._session = session
        self.hass_url = hass_url
        self.simulator_url = simulator_url
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._access_token = access_token
        self._ids = itertools.count(1)
        self._websocket: aiohttp.ClientWebSocketResponse | None = None

    async def rest(self, method: str, path: str, json: Any = None) -> Any:
        """Call hass's REST API; return the decoded answer or raise `HassApiError`."""
        return await self._call(
            method, f"{self.hass_url}{path}", json=json, headers=self._headers
        )

    async def states(self) -> list[dict[str, Any]]:
        """Return every entity state."""
        states: list[dict[str, Any]] = await self.rest("GET", "/api/states")
        return states

    async def call_service(
        self,
        domain: str,
        service: str,
        data: dict[str, Any] | None = None,
        *,
        return_response: bool = False,
    ) -> Any:
        """Call an action; return its response data, or the states it changed."""
        query = "?return_response" if return_response else ""
        answer = await self.rest(
            "POST", f"/api/services/{domain}/{service}{query}", data or {}
        )
        return answer["service_response"] if return_response else answer

    async def start_config_flow(self, handler: str) -> dict[str, Any]:
        """Start a config flow the way the "Add integration" dialog does."""
        result: dict[str, Any] = await self.rest(
            "POST",
            "/api/config/config_entries/flow",
            {"handler": handler, "show_advanced_options": False},
        )
        return result

    async def config_flow_step(
        self, flow_id: str, user_input: dict[str, Any]
    ) -> dict[str, Any]:
        """Submit a config flow form."""
        result: dict[str, Any] = await self.rest(
            "POST", f"/api/config/config_entries/flow/{flow_id}", user_input
        )
        return result

    async def ws_command(self, command_type: str, **fields: Any) -> Any:
        """Send one websocket command and return its result."""
        websocket = await self._shared_websocket()
        command_id = next(self._ids)
        await websocket.send_json({"id": command_id, "type": command_type, **fields})
        async with asyncio.timeout(30):
            while (message := await websocket.receive_json()).get("id") != command_id:
                continue
        if not message["success"]:
            raise HassApiError(f"{command_type}: {message['error']}")
        return message["result"]

    @asynccontextmanager
    async def ws_subscribe_events(self, event_type: str) -> AsyncIterator[EventStream]:
        """Subscribe to `event_type` on a websocket of its own, for the `with` block."""
        async with self._session.ws_connect(
            f"{self.hass_url}/api/websocket"
        ) as websocket:
            await self._authenticate(websocket)
            await websocket.send_json(
                {"id": 1, "type": "subscribe_events", "event_type": event_type}
            )
            message = await websocket.receive_json()
            if not message["success"]:
                raise HassApiError(f"subscribe_events: {message['error']}")
            yield EventStream(websocket)

    async def simulator_control(
        self, path: str, json: Any = None, method: str = "POST"
    ) -> Any:
        """Call the simulator's control API (`/_sim/...`): state, faults, inbound SMS, time."""
        return await self._call(method, f"{self.simulator_url}/_sim{path}", json=json)

    async def close(self) -> None:
        """Close the shared websocket, if one was opened."""
        if self._websocket is not None:
            await self._websocket.close()

    async def _call(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Send one HTTP request and decode its JSON answer."""
        async with self._session.request(
            method, url, json=json, headers=headers
        ) as response:
            body = await response.text()
            if response.status >= 400:
                path = url.split("?", 1)[0]
                raise HassApiError(
                    f"{method} {path}: HTTP {response.status} {body[:500]}"
                )
            return await response.json(content_type=None) if body else None

    async def _shared_websocket(self) -> aiohttp.ClientWebSocketResponse:
        """Return the websocket for commands, connecting and authenticating it once."""
        if self._websocket is None:
            websocket = await self._session.ws_connect(f"{self.hass_url}/api/websocket")
            await self._authenticate(websocket)
            self._websocket = websocket
        return self._websocket

    async def _authenticate(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        """Answer hass's auth_required with the access token."""
        await websocket.receive_json()
        await websocket.send_json({"type": "auth", "access_token": self._access_token})
        if (answer := await websocket.receive_json())["type"] != "auth_ok":
            raise HassApiError(f"websocket auth: {answer['type']}")
