"""The conversations card in the real frontend: picked, live, answered, in two languages.

The card is added as a user adds one (edit dashboard, card picker); SMS arrive through the
simulator's inbound call and a poll the test triggers, never by reloading the page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
import gzip
import re
import statistics
from typing import Any

from playwright.async_api import Locator, Page, expect
import pytest

from custom_components.eims.card import CARD_DIR

from .browser import picture
from .conftest import ARTIFACTS, E2eStack
from .dashboard import account_dashboard, conversations_card
from .gateway_entry import DOMAIN, add_entry, entity_ids, remove_entries, wait_for_state
from .hass_api import HassApi

DASHBOARD_PATH = "eims-conversations"
SENDER = "+31687654321"
CONTACT = "Alice"
FIRST = "Are you home tonight?"
SECOND = "STATUS please"
REPLY = "All quiet here. Doors locked."
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# The card's own words and the delivery sensor's state, as each language shows them.
WORDS = {
    "en": {"box": "Text message", "delivered": "Delivered"},
    "de": {"box": "Nachricht", "delivered": "Zugestellt"},
}
BULK_SENDER = "+31600000000"
BULK = 1_000
FIGURES = ARTIFACTS / "conversations-card.txt"


@pytest.fixture
def frontend_settings() -> dict[str, Any]:
    """The sidebar folded: the pictures show the dashboard."""
    return {"dockedSidebar": "auto"}


@pytest.fixture
async def manual_account(hass_api: HassApi, e2e_stack: E2eStack) -> AsyncIterator[str]:
    """The simulator's account with its messages moved only by the test (restored after)."""
    account = e2e_stack.simulator_account
    before = await hass_api.simulator_control(f"/accounts/{account}", method="GET")
    await hass_api.simulator_control("/accounts", {"name": account, "step_seconds": 0})
    yield account
    await hass_api.simulator_control(
        "/accounts", {"name": account, "step_seconds": before["step_seconds"]}
    )


async def test_conversations_card(
    hass_api: HassApi,
    e2e_stack: E2eStack,
    manual_account: str,
    page: Page,
    refused_requests: list[str],
) -> None:
    """Add the card from the picker, read SMS as they come, answer one and see it delivered."""
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    entities = await entity_ids(hass_api, entry_id)
    await account_dashboard(hass_api, DASHBOARD_PATH, entry_id, with_card=False)
    await _add_recipient(hass_api, entry_id, CONTACT, SENDER)
    await page.goto(f"{e2e_stack.hass_url}/{DASHBOARD_PATH}/sms")
    [entry] = await hass_api.rest(
        "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
    )
    await _add_card_from_picker(page, entry["title"])
    assert await _saved_cards(hass_api) == [conversations_card(entry_id)]
    # Set on the page now: still there at the end, the page was never loaded again.
    await page.evaluate("() => { window.eimsSamePage = true; }")
    card = page.locator("eims-conversations")

    await _receive(hass_api, manual_account, entities, SENDER, FIRST)
    # The sender is a recipient: the thread has the recipient's name.
    thread = card.locator(".thread-item", has_text=CONTACT)
    await expect(thread).to_contain_text(FIRST)
    await expect(thread.locator(".badge")).to_have_text("1")
    assert (await hass_api.rest("GET", f"/api/states/{entities['unread_sms']}"))[
        "state"
    ] == "1"
    await thread.click()
    await expect(card.locator(".bubble")).to_have_text([FIRST])
    await expect(card.locator(".header")).to_have_text(
        re.compile(rf"{CONTACT}\s*{re.escape(SENDER)}")
    )
    # Opened, so read: the account's Unread SMS sensor follows.
    await wait_for_state(
        hass_api, entities["unread_sms"], lambda state: state["state"] == "0"
    )

    await _receive(hass_api, manual_account, entities, SENDER, SECOND)
    await expect(card.locator(".bubble")).to_have_text([FIRST, SECOND])

    sent_before = len(await _sendsms(hass_api, manual_account))
    box = card.get_by_role("textbox", name=WORDS["en"]["box"])
    await box.fill(REPLY)
    await box.press("Enter")
    await expect(card.locator(".sent .bubble")).to_have_text([REPLY])
    await expect(box).to_have_value("")
    [submission] = (await _sendsms(hass_api, manual_account))[sent_before:]
    assert [number.removeprefix("+") for number in submission["numbers"]] == [
        SENDER.removeprefix("+")
    ]
    messages = await hass_api.simulator_control(
        f"/messages?account={manual_account}", method="GET"
    )
    assert [m["content"] for m in messages if m["id"] in submission["ids"]] == [REPLY]

    await hass_api.simulator_control(
        "/messages/advance", {"ids": submission["ids"], "steps": "final"}
    )
    await _poll(hass_api, entities)
    await expect(card.locator(".sent .meta")).to_contain_text(WORDS["en"]["delivered"])
    # Still the one request: neither the card nor a retry sent it again.
    assert len(await _sendsms(hass_api, manual_account)) == sent_before + 1
    assert await page.evaluate("() => window.eimsSamePage") is True
    await _pictures(page, card, "en")
    # The same text again at once: the repeat guard holds it back, and the card says so.
    await card.locator(".thread-item", has_text=CONTACT).click()
    await box.fill(REPLY)
    await box.press("Enter")
    await expect(card.locator(".error")).to_contain_text("repeat guard")
    await expect(box).to_have_value(REPLY)
    await expect(card.locator(".sent .bubble")).to_have_text([REPLY])
    assert len(await _sendsms(hass_api, manual_account)) == sent_before + 1

    await page.evaluate("() => localStorage.setItem('selectedLanguage', '\"de\"')")
    await page.reload()
    await card.locator(".thread-item", has_text=CONTACT).click()
    await expect(card.get_by_role("textbox", name=WORDS["de"]["box"])).to_be_visible()
    await expect(card.locator(".sent .meta")).to_contain_text(WORDS["de"]["delivered"])
    await _pictures(page, card, "de")
    # Only the picker's own examples of picture cards asked for the internet.
    assert [url for url in refused_requests if "/stub_config/" not in url] == []

    # The account switched off: the card says why, in the user's language (Home Assistant's
    # own words for an entry that is not loaded), not in English.
    await hass_api.ws_command(
        "config_entries/disable", entry_id=entry_id, disabled_by="user"
    )
    await page.reload()
    await expect(card.locator(".note.error")).to_have_text(
        "Die Nachrichten konnten nicht geladen werden: Konfigurationseintrag"
        f" {entry['title']} zur Integration {DOMAIN} ist nicht geladen."
    )


async def test_thousand_message_thread(
    hass_api: HassApi, e2e_stack: E2eStack, manual_account: str, page: Page
) -> None:
    """A full history in one thread opens whole; the time it takes is written down."""
    await remove_entries(hass_api)
    entry_id = await add_entry(hass_api, e2e_stack)
    entities = await entity_ids(hass_api, entry_id)
    for index in range(BULK):
        await hass_api.simulator_control(
            f"/accounts/{manual_account}/inbound",
            {"from": BULK_SENDER, "content": f"Reading {index}: all sensors normal."},
        )
    # One poll reads every page the gateway holds.
    await _poll(hass_api, entities)
    await wait_for_state(
        hass_api,
        entities["unread_sms"],
        lambda state: state["state"] == str(BULK),
        timeout=60,
    )
    await account_dashboard(hass_api, DASHBOARD_PATH, entry_id)
    await page.goto(f"{e2e_stack.hass_url}/{DASHBOARD_PATH}/sms")
    card = page.locator("eims-conversations")
    await expect(card.locator(".thread-item .badge")).to_have_text(str(BULK))

    timings = []
    for _ in range(5):
        opened = await _open_thread(card)
        # Drawn whole, the newest in view at the bottom.
        assert opened["count"] == BULK
        assert opened["newest"] == f"Reading {BULK - 1}: all sensors normal."
        assert opened["newest_in_view"]
        timings.append(opened["ms"])
    await wait_for_state(
        hass_api, entities["unread_sms"], lambda state: state["state"] == "0"
    )
    sizes = {
        path.name: (len(path.read_bytes()), len(gzip.compress(path.read_bytes())))
        for path in sorted(CARD_DIR.glob("*.js"))
    }
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(
        "".join(
            f"{name}: {size} bytes ({packed} gzipped)\n"
            for name, (size, packed) in sizes.items()
        )
        + f"Opening a {BULK}-message thread: {statistics.median(timings):.0f} ms"
        f" (median of {len(timings)}: {', '.join(f'{t:.0f}' for t in timings)})\n"
    )


async def _add_card_from_picker(page: Page, account_title: str) -> None:
    """Edit the dashboard, pick the card from the picker, keep the account it offers, save."""
    await page.get_by_role("button", name="Edit dashboard").click()
    await page.get_by_role("button", name="Add card").first.click()
    await page.get_by_role("tab", name="By card").click()
    await page.get_by_placeholder("Search cards").fill("EIMS")
    picked = page.locator("hui-card-picker .card", has_text="EIMS conversations")
    # Its preview is the card itself, showing the account picked for it.
    await expect(picked.locator("eims-conversations")).to_be_visible()
    await picked.click()
    editor = page.locator("hui-dialog-edit-card")
    await expect(editor.locator("ha-selector", has_text="Account")).to_contain_text(
        account_title
    )
    await editor.get_by_role("button", name="Save").click()
    await expect(editor).to_be_hidden()
    await page.get_by_role("button", name="Done").click()


async def _add_recipient(
    hass_api: HassApi, entry_id: str, name: str, number: str
) -> None:
    """Add a recipient to the account, as its Add recipient dialog does."""
    flows = "/api/config/config_entries/subentries/flow"
    form = await hass_api.rest("POST", flows, {"handler": [entry_id, "recipient"]})
    done = await hass_api.rest(
        "POST",
        f"{flows}/{form['flow_id']}",
        {"name": name, "numbers": [number], "message_type": "sms"},
    )
    assert done["type"] == "create_entry", done


async def _saved_cards(hass_api: HassApi) -> list[dict[str, Any]]:
    """Return the cards of the dashboard's first section, as the editor saved them."""
    config = await hass_api.ws_command("lovelace/config", url_path=DASHBOARD_PATH)
    cards: list[dict[str, Any]] = config["views"][0]["sections"][0]["cards"]
    return cards


async def _receive(
    hass_api: HassApi, account: str, entities: dict[str, str], sender: str, text: str
) -> None:
    """An SMS reaches the gateway and the next poll, started now, reads it."""
    await hass_api.simulator_control(
        f"/accounts/{account}/inbound", {"from": sender, "content": text}
    )
    await _poll(hass_api, entities)


async def _poll(hass_api: HassApi, entities: dict[str, str]) -> None:
    """Run the messages poll now (inbox and reports), as its 30 s schedule would."""
    await hass_api.call_service(
        "homeassistant", "update_entity", {"entity_id": entities["awaiting_report"]}
    )


async def _sendsms(hass_api: HassApi, account: str) -> list[dict[str, Any]]:
    """Return the sendsms requests the simulator has taken for `account`, oldest first."""
    return [
        submission
        for submission in await hass_api.simulator_control(
            f"/sent?account={account}", method="GET"
        )
        if submission["endpoint"] == "sendsms"
    ]


async def _pictures(page: Page, card: Locator, language: str) -> None:
    """Picture the open thread on a desktop and on a phone, and the phone's thread list."""
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(size)
        await expect(card.locator(".bubble").last).to_be_in_viewport()
        await picture(page, ARTIFACTS / f"conversations-{language}-{name}.png")
    await page.keyboard.press("Escape")
    await expect(card.locator(".thread-item").first).to_be_focused()
    await picture(page, ARTIFACTS / f"conversations-{language}-phone-list.png")
    await page.set_viewport_size(DESKTOP)


async def _open_thread(card: Locator) -> dict[str, Any]:
    """Open the only thread and go back; say how long it took to draw and what it showed.

    In the page: locators, each a look through the card's 1,000 messages, would be timed too.
    """
    opened: dict[str, Any] = await card.evaluate(
        """async (view) => {
          const start = performance.now();
          view.shadowRoot.querySelector(".thread-item").click();
          // The frame that shows the thread, then the task after it: drawn.
          await new Promise((drawn) => requestAnimationFrame(() => setTimeout(drawn)));
          const ms = performance.now() - start;
          const log = view.shadowRoot.querySelector(".log").getBoundingClientRect();
          const newest = [...view.shadowRoot.querySelectorAll(".bubble")].at(-1);
          const shown = newest.getBoundingClientRect();
          const opened = {
            ms,
            count: view.shadowRoot.querySelectorAll(".message").length,
            newest: newest.textContent,
            newest_in_view: shown.top >= log.top && shown.bottom <= log.bottom,
          };
          view.shadowRoot.querySelector("ha-icon-button-arrow-prev").click();
          return opened;
        }"""
    )
    return opened
