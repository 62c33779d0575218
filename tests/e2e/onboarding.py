"""Onboard a fresh Home Assistant over REST: the owner user, then the remaining steps.

`python -m tests.e2e.onboarding URL USERNAME PASSWORD` waits for hass at URL and creates that
owner when onboarding has none yet (scripts/develop uses it).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from http import HTTPStatus
import json
import time
from typing import Any
import urllib.error
from urllib.parse import urlencode
import urllib.request

from .local_processes import LOOPBACK

LOOPBACK_URL = f"http://{LOOPBACK}:"
# Proxy settings from the environment must not route 127.0.0.1 traffic elsewhere.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
STEP_USER = "user"


@dataclass(frozen=True, slots=True)
class Tokens:
    """What /auth/token returned for the owner; the strings are secrets, never logged."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int

    def for_browser(self, base_url: str) -> dict[str, Any]:
        """Return the `hassTokens` the frontend keeps in localStorage for `base_url`."""
        return {
            "hassUrl": base_url,
            "clientId": f"{base_url}/",
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "expires": int(time.time() * 1000) + self.expires_in * 1000,
        }


class HassRequestError(RuntimeError):
    """Home Assistant answered an onboarding or auth request with an error status."""

    def __init__(self, message: str, status: int) -> None:
        """Keep the HTTP status for callers that expect some."""
        super().__init__(message)
        self.status = status


def request(
    base_url: str,
    path: str,
    *,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    access_token: str | None = None,
    timeout: float = 30,
) -> Any:
    """Send one request (POST when there is a body); return the JSON answer decoded, or the text."""
    headers = {}
    data = None
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if access_token is not None:
        headers["Authorization"] = f"Bearer {access_token}"
    if not base_url.startswith(LOOPBACK_URL):
        raise ValueError(f"only {LOOPBACK_URL}... is allowed, not {base_url}")
    req = urllib.request.Request(  # noqa: S310 - an http URL on 127.0.0.1, checked above
        f"{base_url}{path}", data=data, headers=headers
    )
    try:
        with _OPENER.open(req, timeout=timeout) as response:
            body = response.read().decode()
            if response.headers.get_content_type() == "application/json":
                return json.loads(body)
            return body
    except urllib.error.HTTPError as err:
        raise HassRequestError(
            f"{req.get_method()} {path}: HTTP {err.code} {err.read()[:500]!r}", err.code
        ) from None


def wait_until_serving(base_url: str, timeout: float) -> None:
    """Wait until the frontend answers `GET /`: onboarding, one of its dependencies, is set up."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            request(base_url, "/", timeout=5)
        except OSError, HassRequestError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)
        else:
            return


def onboarding_steps(base_url: str) -> list[dict[str, Any]] | None:
    """Return the onboarding steps; None once onboarding is over (its API is gone then)."""
    try:
        steps: list[dict[str, Any]] = request(base_url, "/api/onboarding")
    except HassRequestError as err:
        if err.status == HTTPStatus.NOT_FOUND:
            return None
        raise
    return steps


def user_step_done(steps: list[dict[str, Any]]) -> bool:
    """Return whether onboarding already has its owner user."""
    return any(step["step"] == STEP_USER and step["done"] for step in steps)


def onboard_owner(
    base_url: str, *, name: str, username: str, password: str, language: str = "en"
) -> Tokens:
    """Create the owner, log in as it and finish the analytics and integration steps."""
    client_id = f"{base_url}/"
    created = request(
        base_url,
        "/api/onboarding/users",
        json_body={
            "client_id": client_id,
            "name": name,
            "username": username,
            "password": password,
            "language": language,
        },
    )
    answer = request(
        base_url,
        "/auth/token",
        form={
            "grant_type": "authorization_code",
            "code": created["auth_code"],
            "client_id": client_id,
        },
    )
    tokens = Tokens(
        access_token=answer["access_token"],
        refresh_token=answer["refresh_token"],
        expires_in=int(answer["expires_in"]),
    )
    request(
        base_url,
        "/api/onboarding/analytics",
        json_body={},
        access_token=tokens.access_token,
    )
    request(
        base_url,
        "/api/onboarding/integration",
        json_body={
            "client_id": client_id,
            "redirect_uri": f"{client_id}?auth_callback=1",
        },
        access_token=tokens.access_token,
    )
    return tokens


def log_in(base_url: str, username: str, password: str) -> Tokens:
    """Log in through the login flow, as the frontend does, and return the tokens."""
    client_id = f"{base_url}/"
    flow = request(
        base_url,
        "/auth/login_flow",
        json_body={
            "client_id": client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": f"{client_id}?auth_callback=1",
        },
    )
    done = request(
        base_url,
        f"/auth/login_flow/{flow['flow_id']}",
        json_body={"client_id": client_id, "username": username, "password": password},
    )
    answer = request(
        base_url,
        "/auth/token",
        form={
            "grant_type": "authorization_code",
            "code": done["result"],
            "client_id": client_id,
        },
    )
    return Tokens(
        access_token=answer["access_token"],
        refresh_token=answer["refresh_token"],
        expires_in=int(answer["expires_in"]),
    )


def wait_until_running(base_url: str, tokens: Tokens, timeout: float) -> None:
    """Wait until hass reports its core state as RUNNING (startup finished)."""
    deadline = time.monotonic() + timeout
    while (
        state := request(base_url, "/api/config", access_token=tokens.access_token)[
            "state"
        ]
    ) != "RUNNING":
        if time.monotonic() > deadline:
            raise TimeoutError(f"Home Assistant still {state} after {timeout:.0f} s")
        time.sleep(0.25)


def main() -> None:
    """Wait for hass, create the owner named on the command line if there is none."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    wait_until_serving(args.url, args.timeout)
    if (steps := onboarding_steps(args.url)) is not None and not user_step_done(steps):
        onboard_owner(
            args.url, name=args.username, username=args.username, password=args.password
        )


if __name__ == "__main__":
    main()
