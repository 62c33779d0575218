"""A day with the gateway: an SMS goes out and is delivered, one comes in, a dashboard shows it.

Everything goes through the running hass (REST and websocket) and the simulator's control API;
the delivery report is pushed to the entry's webhook, as a gateway set up for pushes does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from homeassistant.util import slugify
from playwright.async_api import Page, expect
import pytest

from .browser import picture
from .conftest import E2eStack
from .dashboard import account_dashboard
from .gateway_entry import (
    DOMAIN,
    NO_VALUE,
    add_entry,
    device_of,
    entity_ids,
    remove_entries,
    set_options,
    wait_for_state,
)
from .hass_api import HassApi
from .hass_config import REPO

DASHBOARD_PNG = REPO / "artifacts" / "dashboard.png"
FRESH_DASHBOARD_PNG = REPO / "artifacts" / "dashboard-fresh.png"
DASHBOARD_PATH = "eims-sms"
RECIPIENT = "+31612345678"
MESSAGE = "The front door opened at 03:12."
INBOUND_SENDER = "+31687654321"
INBOUND_TEXT = "STATUS please"
CURRENCY = "EUR"
# Well under the 30 s poll: what arrives this fast was not brought by the schedule.
PROMPT = 5.0


@pytest.fixture
def frontend_settings() -> dict[str, Any]:
    """The sidebar folded: the dashboard's picture shows the dashboard."""
    return {"dockedSidebar": "auto"}


@pytest.fixture
async def manual_account(hass_api: HassApi, e2e_stack: E2eStack) -> AsyncIterator[str]:
    """The simulator's account with known balances, its messages moved only by the test.

    Its lifecycle speed and push URL are restored afterwards, for the tests that follow.
    """
    account = e2e_stack.simulator_account
    before = await hass_api.simulator_control(f"/accounts/{account}", method="GET")
    await hass_api.simulator_control("/accounts", {"name": account, "step_seconds": 0})
    await hass_api.simulator_control(
        f"/accounts/{account}/balance", {"balance": "12.50", "gift": "0.20"}
    )
    yield account
    await hass_api.simulator_control(
        "/accounts",
        {
            "name": account,
            "step_seconds": before["step_seconds"],
            "push_url": before["push_url"],
        },
    )


async def test_sms_round_trip_shows_on_a_dashboard(
    hass_api: HassApi,
    e2e_stack: E2eStack,
    manual_account: str,
    page: Page,
    refused_requests: list[str],
) -> None:
    """Send, get the pushed delivery report, receive, and see all of it in the browser."""
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    entities = await entity_ids(hass_api, entry_id)
    device = slugify((await device_of(hass_api, entry_id))["name"])
    assert entities["last_delivery_status"] == f"sensor.{device}_last_delivery_status"
    assert entities["received_sms"] == f"event.{device}_received_sms"
    await _check_balances(hass_api, manual_account, entities)
    await _screenshot_fresh_dashboard(hass_api, page, entry_id)

    message_ids = await _send_sms(hass_api, manual_account, entry_id)
    # The gift is spent first; the integration fetches balances right after a send.
    await _check_balances(hass_api, manual_account, entities)
    # The message is still on its way: the reload must not lose it.
    await _set_options(hass_api, manual_account, entry_id, entities)
    await wait_for_state(
        hass_api, entities["awaiting_report"], lambda state: state["state"] == "1"
    )
    await _deliver(hass_api, manual_account, entry_id, entities, message_ids)
    await _receive_sms(hass_api, manual_account, entry_id, entities)
    await _screenshot_dashboard(hass_api, page, entry_id)
    assert refused_requests == []

    hass_log = (e2e_stack.config_dir / "home-assistant.log").read_text()
    assert e2e_stack.simulator_password not in hass_log


async def _check_balances(
    hass_api: HassApi, account: str, entities: dict[str, str]
) -> None:
    """Both balance sensors come to show what the gateway holds."""
    gateway = await hass_api.simulator_control(f"/accounts/{account}", method="GET")
    for key in ("balance", "gift"):
        await wait_for_state(
            hass_api, entities[key], _shows(Decimal(gateway[key])), timeout=PROMPT
        )


def _shows(amount: Decimal) -> Callable[[dict[str, Any]], bool]:
    """Return a test that a state is `amount` (whatever its padding zeros)."""

    def matches(state: dict[str, Any]) -> bool:
        return state["state"] not in NO_VALUE and Decimal(state["state"]) == amount

    return matches


async def _set_options(
    hass_api: HassApi, account: str, entry_id: str, entities: dict[str, str]
) -> None:
    """Pick the currency, and give the gateway the push URL the options dialog shows."""
    form = await set_options(hass_api, entry_id, {"currency": CURRENCY})
    url = form["description_placeholders"]["webhook_url"]
    assert url.startswith(f"{hass_api.hass_url}/api/webhook/"), url
    # The entry reloads with the new options: its balance sensor turns monetary.
    await wait_for_state(
        hass_api,
        entities["balance"],
        lambda state: state["attributes"].get("unit_of_measurement") == CURRENCY,
    )
    updated = await hass_api.simulator_control(
        "/accounts", {"name": account, "push_url": url}
    )
    assert updated["push_url"] == url


async def _receive_sms(
    hass_api: HassApi, account: str, entry_id: str, entities: dict[str, str]
) -> None:
    """An SMS waiting on the gateway is fetched when a delivery sensor is updated, and announced."""
    async with hass_api.ws_subscribe_events(f"{DOMAIN}_sms_received") as received:
        injected = await hass_api.simulator_control(
            f"/accounts/{account}/inbound",
            {"from": INBOUND_SENDER, "content": INBOUND_TEXT},
        )
        called_at = datetime.now(UTC)
        await hass_api.call_service(
            # Delivery sensors update with the messages poll, which reads the inbox.
            "homeassistant",
            "update_entity",
            {"entity_id": entities["awaiting_report"]},
        )
        returned_at = datetime.now(UTC)
        event = await received.wait_for(
            lambda data: data["id"] == injected["id"], timeout=PROMPT
        )
    # Fired while the action ran: the update fetched the SMS, not the 30 s schedule.
    assert called_at <= datetime.fromisoformat(event["time_fired"]) <= returned_at
    assert event["data"]["entry_id"] == entry_id
    assert event["data"]["sender"] == INBOUND_SENDER
    assert event["data"]["text"] == INBOUND_TEXT

    state = await wait_for_state(
        hass_api,
        entities["received_sms"],
        lambda state: state["attributes"].get("id") == injected["id"],
        timeout=PROMPT,
    )
    assert state["attributes"]["event_type"] == "received"
    assert state["attributes"]["sender"] == INBOUND_SENDER
    assert state["attributes"]["text"] == INBOUND_TEXT
    gateway = await hass_api.simulator_control(f"/accounts/{account}", method="GET")
    assert gateway["inbound_waiting"] == 0


async def _send_sms(hass_api: HassApi, account: str, entry_id: str) -> list[int]:
    """The send_sms action reaches the gateway once; its response names the gateway's ids."""
    sent_before = len(await _sendsms_submissions(hass_api, account))
    response = await hass_api.call_service(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry_id, "numbers": [RECIPIENT], "message": MESSAGE},
        return_response=True,
    )
    assert response["success"] == 1, response
    assert response["fail"] == 0
    assert response["failed"] == []
    assert response["invalid"] == []
    assert [sent["number"] for sent in response["messages"]] == [RECIPIENT]
    message_ids: list[int] = [sent["id"] for sent in response["messages"]]

    # Earlier tests may have sent from the same account: only this send's count.
    submissions = (await _sendsms_submissions(hass_api, account))[sent_before:]
    assert len(submissions) == 1, submissions
    submission = submissions[0]
    assert submission["status"] == 0
    assert submission["ids"] == message_ids
    assert [number.removeprefix("+") for number in submission["numbers"]] == [
        RECIPIENT.removeprefix("+")
    ]
    messages = {
        message["id"]: message
        for message in await hass_api.simulator_control(
            f"/messages?account={account}", method="GET"
        )
    }
    assert [messages[message_id]["content"] for message_id in message_ids] == [MESSAGE]
    return message_ids


async def _deliver(
    hass_api: HassApi,
    account: str,
    entry_id: str,
    entities: dict[str, str],
    message_ids: list[int],
) -> None:
    """The gateway finishes the message and pushes the report: hass shows it delivered."""
    [message_id] = message_ids
    requests_before = len(await _requests(hass_api, account))
    async with hass_api.ws_subscribe_events(f"{DOMAIN}_delivery_report") as reports:
        moved = await hass_api.simulator_control(
            "/messages/advance", {"ids": message_ids, "steps": "final"}
        )
        assert moved["moved"] == message_ids, moved
        event = await reports.wait_for(
            lambda data: data["message_id"] == message_id and data["final"],
            timeout=PROMPT,
        )
    assert event["data"]["entry_id"] == entry_id
    assert event["data"]["status"] == "delivered"
    assert event["data"]["number"] == RECIPIENT
    assert event["data"]["origin"] == "action"

    pushes = await hass_api.simulator_control(
        f"/pushes?account={account}", method="GET"
    )
    assert [push["http_status"] for push in pushes if message_id in push["ids"]] == [
        200
    ], pushes
    # The push brought the report: hass did not ask the gateway for it.
    requests = (await _requests(hass_api, account))[requests_before:]
    assert "getreport" not in [request["endpoint"] for request in requests]

    state = await wait_for_state(
        hass_api,
        entities["last_delivery_status"],
        lambda state: state["state"] == "delivered",
        timeout=PROMPT,
    )
    assert state["attributes"]["message_id"] == message_id
    assert state["attributes"]["number"] == RECIPIENT
    # The gateway's whole-second local time, read in the zone it is in.
    sent_at = datetime.fromisoformat(state["attributes"]["sent_at"])
    reported_at = datetime.fromisoformat(state["attributes"]["reported_at"])
    assert sent_at - timedelta(seconds=1) <= reported_at <= datetime.now(UTC)
    counters = {
        key: (await hass_api.rest("GET", f"/api/states/{entities[key]}"))["state"]
        for key in ("sms_sent", "delivered", "failed", "awaiting_report")
    }
    assert counters == {
        "sms_sent": "1",
        "delivered": "1",
        "failed": "0",
        "awaiting_report": "0",
    }
    report_event = await wait_for_state(
        hass_api,
        entities["delivery_report"],
        lambda state: state["attributes"].get("message_id") == message_id,
        timeout=PROMPT,
    )
    assert report_event["attributes"]["event_type"] == "delivered"


async def _screenshot_fresh_dashboard(
    hass_api: HassApi, page: Page, entry_id: str
) -> None:
    """Before anything is sent or received, the counters read 0 and nothing reads Unknown."""
    await account_dashboard(hass_api, DASHBOARD_PATH, entry_id)
    await page.goto(f"{hass_api.hass_url}/{DASHBOARD_PATH}/sms")
    for name in ("SMS sent", "Delivered", "Failed"):
        tile = page.locator("hui-tile-card").filter(has_text=name)
        await expect(tile.get_by_text("0", exact=True)).to_be_visible()
    # The Received SMS tile may show an SMS: an event entity restores the last state its
    # entity id had, and an earlier test may have used this account's name.
    await expect(page.get_by_text("Unknown")).to_have_count(0)
    await picture(page, FRESH_DASHBOARD_PNG)


async def _screenshot_dashboard(hass_api: HassApi, page: Page, entry_id: str) -> None:
    """A dashboard of the account's entities shows what just happened."""
    device_name = await account_dashboard(hass_api, DASHBOARD_PATH, entry_id)
    url = f"{hass_api.hass_url}/{DASHBOARD_PATH}/sms"
    await page.goto(url)
    await expect(page.locator("hui-tile-card").first).to_be_visible()
    for shown in (device_name, "Delivered", INBOUND_SENDER, INBOUND_TEXT):
        await expect(page.get_by_text(shown).first).to_be_visible()
    await picture(page, DASHBOARD_PNG)
    assert page.url == url
    assert DASHBOARD_PNG.stat().st_size > 10_000


async def _requests(hass_api: HassApi, account: str) -> list[dict[str, Any]]:
    """Return the gateway requests the simulator has logged for `account`, oldest first."""
    requests: list[dict[str, Any]] = await hass_api.simulator_control(
        f"/requests?account={account}", method="GET"
    )
    return requests


async def _sendsms_submissions(hass_api: HassApi, account: str) -> list[dict[str, Any]]:
    """Return the sendsms requests the simulator has taken for `account`, oldest first."""
    return [
        submission
        for submission in await hass_api.simulator_control(
            f"/sent?account={account}", method="GET"
        )
        if submission["endpoint"] == "sendsms"
    ]
