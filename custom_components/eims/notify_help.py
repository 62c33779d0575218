"""
What the Actions page shows for the named notify actions, in Home Assistant's language.

Their names are the user's (`notify.eims_family`), so services.yaml and the frontend's
translations cannot describe them: the texts come from the `notify_actions` section of the
integration's translations and are set with `async_set_service_schema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.components.notify import (
    ATTR_DATA,
    ATTR_MESSAGE,
    ATTR_TARGET,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.service import async_set_service_schema
from homeassistant.helpers.translation import async_get_translations

from .const import CONF_MESSAGE_TYPE, DOMAIN, MESSAGE_TYPE_MMS, SUBENTRY_DEVICE
from .notify_names import NotifyTarget

CATEGORY: Final = "notify_actions"

SELECTORS: Final[dict[str, dict[str, Any]]] = {
    ATTR_MESSAGE: {"text": {"multiline": True}},
    ATTR_TITLE: {"text": {}},
    ATTR_TARGET: {"text": {"multiple": True}},
    ATTR_DATA: {"object": {}},
}


def _kind(hass: HomeAssistant, target: NotifyTarget | None) -> tuple[str, str, str]:
    """Return what the action texts (its kind), and the names of its account and recipient."""
    if target is None:
        return "only_account", "", ""
    entry = hass.config_entries.async_get_known_entry(target.entry_id)
    account = entry.title
    if target.subentry_id is None:
        return "account", account, ""
    subentry = entry.subentries[target.subentry_id]
    if subentry.subentry_type == SUBENTRY_DEVICE:
        return "device", account, subentry.title
    if subentry.data.get(CONF_MESSAGE_TYPE) == MESSAGE_TYPE_MMS:
        return "recipient_mms", account, subentry.title
    return "recipient", account, subentry.title


# The fields each kind of action shows; the device's data takes no MMS title.
FIELDS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "only_account": (
        (ATTR_MESSAGE, ATTR_MESSAGE),
        (ATTR_TITLE, ATTR_TITLE),
        (ATTR_TARGET, ATTR_TARGET),
        (ATTR_DATA, ATTR_DATA),
    ),
    "recipient": (
        (ATTR_MESSAGE, ATTR_MESSAGE),
        (ATTR_TITLE, ATTR_TITLE),
        (ATTR_DATA, ATTR_DATA),
    ),
    "device": ((ATTR_MESSAGE, ATTR_MESSAGE), (ATTR_DATA, "device_data")),
}
FIELDS["account"] = FIELDS["only_account"]
FIELDS["recipient_mms"] = FIELDS["recipient"]


async def async_describe_services(
    hass: HomeAssistant, services: Mapping[str, NotifyTarget | None]
) -> None:
    """Describe each named notify action: whom it texts, and what its fields take."""
    texts = await async_get_translations(hass, hass.config.language, CATEGORY, [DOMAIN])
    prefix = f"component.{DOMAIN}.{CATEGORY}."

    def text(key: str, **placeholders: str) -> str:
        return texts[prefix + key].format(**placeholders)

    for service, target in services.items():
        kind, account, recipient = _kind(hass, target)
        async_set_service_schema(
            hass,
            NOTIFY_DOMAIN,
            service,
            {
                "name": text(f"{kind}.name", account=account, recipient=recipient),
                "description": text(
                    f"{kind}.description", account=account, recipient=recipient
                ),
                "fields": {
                    field: {
                        "name": text(f"fields.{key}.name"),
                        "description": text(f"fields.{key}.description"),
                        "required": field == ATTR_MESSAGE,
                        "selector": SELECTORS[field],
                    }
                    for field, key in FIELDS[kind]
                },
            },
        )
