"""A dashboard of one EIMS account, made the way the UI's dashboard editor stores one."""

from __future__ import annotations

from typing import Any

from .gateway_entry import device_of, entity_ids
from .hass_api import HassApi


async def account_dashboard(
    hass_api: HassApi, url_path: str, entry_id: str, *, with_card: bool = True
) -> str:
    """Save a dashboard of the account's `account_view`; return the device's name it shows."""
    entities = await entity_ids(hass_api, entry_id)
    device = await device_of(hass_api, entry_id)
    device_name: str = device["name_by_user"] or device["name"]
    # The entities' own names, as the device page shows them.
    names = {
        key: (await hass_api.rest("GET", f"/api/states/{entity_id}"))["attributes"][
            "friendly_name"
        ].removeprefix(f"{device_name} ")
        for key, entity_id in entities.items()
    }
    view = account_view(entry_id, device_name, entities, names, with_card=with_card)
    await create_dashboard(hass_api, url_path, "SMS", [view])
    return device_name


def conversations_card(entry_id: str) -> dict[str, Any]:
    """Return the account's conversations card, as the card picker adds it."""
    return {"type": "custom:eims-conversations-card", "config_entry_id": entry_id}


def account_view(
    entry_id: str,
    device_name: str,
    entities: dict[str, str],
    names: dict[str, str],
    *,
    with_card: bool = True,
) -> dict[str, Any]:
    """Return a sections view: the conversations, balances, what was sent, what came in.

    `entities` and `names` are keyed by the entities' description keys ("balance"...).
    Without the card, its section is left empty for the card picker to fill.
    """

    def tile(
        key: str,
        *state_content: str,
        columns: int = 6,
        vertical: bool = False,
        once_known: bool = False,
    ) -> dict[str, Any]:
        card: dict[str, Any] = {
            "type": "tile",
            "entity": entities[key],
            "name": names[key],
            "vertical": vertical,
            "grid_options": {"columns": columns, "rows": 2 if vertical else 1},
        }
        if state_content:
            card["state_content"] = list(state_content)
        if once_known:
            # Nothing sent or received yet: a fresh dashboard shows no "Unknown".
            card["visibility"] = [
                {"condition": "state", "entity": entities[key], "state_not": "unknown"}
            ]
        return card

    received = entities["received_sms"]
    return {
        "type": "sections",
        "title": "SMS",
        "path": "sms",
        "max_columns": 3,
        "sections": [
            {
                "type": "grid",
                "cards": [conversations_card(entry_id)] if with_card else [],
            },
            {
                "type": "grid",
                "cards": [
                    {"type": "heading", "heading": device_name},
                    tile("balance", vertical=True),
                    tile("gift", vertical=True),
                ],
            },
            {
                "type": "grid",
                "cards": [
                    {"type": "heading", "heading": "Sending"},
                    tile("sms_sent", columns=4, vertical=True),
                    tile("delivered", columns=4, vertical=True),
                    tile("failed", columns=4, vertical=True),
                    tile("awaiting_report", columns=12),
                    tile(
                        "last_delivery_status",
                        "state",
                        "number",
                        columns=12,
                        once_known=True,
                    ),
                    tile(
                        "delivery_report",
                        "event_type",
                        "state",
                        columns=12,
                        once_known=True,
                    ),
                ],
            },
            {
                "type": "grid",
                "cards": [
                    {"type": "heading", "heading": "Inbox"},
                    tile(
                        "received_sms", "sender", "state", columns=12, once_known=True
                    ),
                    {
                        "type": "markdown",
                        # Rendered by hass: what the event entity holds, as a user would quote it.
                        "content": (
                            f"{{% if state_attr('{received}', 'sender') %}}"
                            f"**{{{{ state_attr('{received}', 'sender') }}}}** wrote:\n\n"
                            f"> {{{{ state_attr('{received}', 'text') }}}}"
                            "{% else %}No SMS received yet.{% endif %}"
                        ),
                        "grid_options": {"columns": 12},
                    },
                ],
            },
        ],
    }


async def create_dashboard(
    hass_api: HassApi, url_path: str, title: str, views: list[dict[str, Any]]
) -> None:
    """Add a dashboard to the sidebar and save its views (replacing one left by a run)."""
    for dashboard in await hass_api.ws_command("lovelace/dashboards/list"):
        if dashboard["url_path"] == url_path:
            await hass_api.ws_command(
                "lovelace/dashboards/delete", dashboard_id=dashboard["id"]
            )
    await hass_api.ws_command(
        "lovelace/dashboards/create",
        url_path=url_path,
        title=title,
        icon="mdi:message-text",
        show_in_sidebar=True,
        require_admin=False,
        mode="storage",
    )
    await hass_api.ws_command(
        "lovelace/config/save",
        url_path=url_path,
        config={"title": title, "views": views},
    )
