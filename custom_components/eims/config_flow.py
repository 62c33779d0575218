"""Config flow: add an EIMS account, reauthenticate it, move it to another address."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
)
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import DEFAULT_PORT, EimsError
from .connection import (
    account_key,
    async_create_client,
    async_host_addresses,
    split_gateway_url,
)
from .const import (
    CONF_ACCOUNT,
    CONF_ENCRYPTION_KEY,
    DOMAIN,
    LOGGER,
    SUBENTRY_DEVICE,
    SUBENTRY_RECIPIENT,
)
from .entry import EimsConfigEntry
from .errors import form_error_key
from .notify_names import async_get_notify_names
from .options_flow import EimsOptionsFlow, push_report_url
from .subentry_flow import DeviceSubentryFlow, RecipientSubentryFlow

PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
PORT = vol.All(
    NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX)),
    vol.Coerce(int),
)

CONNECTION_FIELDS: dict[vol.Marker, Any] = {
    vol.Required(CONF_HOST): TextSelector(),
    vol.Required(CONF_PORT, default=DEFAULT_PORT): PORT,
    vol.Required(CONF_SSL, default=False): BooleanSelector(),
    vol.Required(CONF_VERIFY_SSL, default=True): BooleanSelector(),
}
CREDENTIAL_FIELDS: dict[vol.Marker, Any] = {
    vol.Required(CONF_PASSWORD): PASSWORD,
    vol.Optional(CONF_ENCRYPTION_KEY): PASSWORD,
}
USER_SCHEMA = vol.Schema(
    {
        **CONNECTION_FIELDS,
        vol.Required(CONF_ACCOUNT): TextSelector(),
        **CREDENTIAL_FIELDS,
    }
)
CONNECTION_SCHEMA = vol.Schema(CONNECTION_FIELDS)
CREDENTIAL_SCHEMA = vol.Schema(CREDENTIAL_FIELDS)


async def _async_check(flow: ConfigFlow, data: dict[str, Any]) -> dict[str, str]:
    """Ask the gateway for the balance; return the form's errors (empty when it answered)."""
    try:
        client = await async_create_client(flow.hass, data)
        await client.get_balance()
    except EimsError as err:
        return {"base": form_error_key(err)}
    except Exception:  # noqa: BLE001
        LOGGER.exception("Unexpected error while checking the gateway")
        return {"base": "unknown"}
    return {}


def _normalise(user_input: Mapping[str, Any]) -> dict[str, Any] | None:
    """Split a URL in the host field into host, port and TLS; None when it is not one."""
    data = dict(user_input)
    try:
        data[CONF_HOST], data[CONF_PORT], data[CONF_SSL] = split_gateway_url(
            data[CONF_HOST], int(data[CONF_PORT]), data[CONF_SSL]
        )
    except ValueError:
        return None
    if not data.get(CONF_ENCRYPTION_KEY):
        data.pop(CONF_ENCRYPTION_KEY, None)
    return data


class EimsConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add an EIMS account."""

    VERSION = 1
    MINOR_VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: EimsConfigEntry) -> EimsOptionsFlow:
        """Return the options flow."""
        return EimsOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Recipients are subentries: each one is a notify entity."""
        return {
            SUBENTRY_RECIPIENT: RecipientSubentryFlow,
            SUBENTRY_DEVICE: DeviceSubentryFlow,
        }

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the gateway and the account, and check them with a balance query."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if (data := _normalise(user_input)) is None:
                errors[CONF_HOST] = "invalid_host"
            else:
                await self.async_set_unique_id(account_key(data))
                self._abort_if_unique_id_configured()
                await self._async_abort_if_gateway_configured(data)
                if not (errors := await _async_check(self, data)):
                    data[CONF_WEBHOOK_ID] = webhook.async_generate_id()
                    names = await async_get_notify_names(self.hass)
                    return self.async_create_entry(
                        title=f"{data[CONF_ACCOUNT]} @ {data[CONF_HOST]}",
                        data=data,
                        description="push_url",
                        description_placeholders={
                            "webhook_url": push_report_url(
                                self.hass, data[CONF_WEBHOOK_ID]
                            ),
                            "notify_service": names.next_name(data[CONF_ACCOUNT]),
                        },
                    )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, user_input),
            errors=errors,
        )

    async def _async_abort_if_gateway_configured(
        self, data: Mapping[str, Any], moving: ConfigEntry | None = None
    ) -> None:
        """
        Abort when another entry has this account and port at an address of the same gateway.

        getsms hands out each SMS once, so two entries of one account would split the
        inbound SMS. Spellings differ (`localhost`, `127.0.0.1`, `GW.example.com.`): the
        addresses they resolve to are compared, and a shared one is the same gateway.
        """
        others = [
            entry
            for entry in self._async_current_entries(include_ignore=False)
            if entry is not moving
            and entry.data[CONF_PORT] == data[CONF_PORT]
            and entry.data[CONF_ACCOUNT].lower() == data[CONF_ACCOUNT].lower()
        ]
        if not others:
            return
        hosts = [data[CONF_HOST], *(entry.data[CONF_HOST] for entry in others)]
        new, *existing = await asyncio.gather(
            *(async_host_addresses(self.hass, host) for host in hosts)
        )
        if any(new & addresses for addresses in existing):
            raise AbortFlow("already_configured")

    def _async_update_and_reload(
        self, entry: ConfigEntry, **changes: Any
    ) -> ConfigFlowResult:
        """Save the entry and set it up again, once: a loaded one's listener reloads a change."""
        changed = self.hass.config_entries.async_update_entry(entry, **changes)
        if not (changed and entry.update_listeners):
            # Not loaded, or the same password again (the gateway refused it for a while).
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_update_and_abort(entry)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start re-entering the credentials after the gateway refused them."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password (and key) again."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **user_input}
            if not user_input.get(CONF_ENCRYPTION_KEY):
                data.pop(CONF_ENCRYPTION_KEY, None)
            if not (errors := await _async_check(self, data)):
                return self._async_update_and_reload(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=CREDENTIAL_SCHEMA,
            errors=errors,
            description_placeholders={
                CONF_ACCOUNT: entry.data[CONF_ACCOUNT],
                CONF_HOST: entry.data[CONF_HOST],
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change where the gateway is; the account stays the same."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            if (data := _normalise({**entry.data, **user_input})) is None:
                errors[CONF_HOST] = "invalid_host"
            else:
                await self._async_abort_if_gateway_configured(data, entry)
                if not (errors := await _async_check(self, data)):
                    # The entry keeps its account, entities and stored data (keyed by the
                    # entry id); only its unique id follows the new address.
                    return self._async_update_and_reload(
                        entry,
                        unique_id=account_key(data),
                        data=data,
                        title=f"{data[CONF_ACCOUNT]} @ {data[CONF_HOST]}",
                    )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                CONNECTION_SCHEMA, user_input or entry.data
            ),
            errors=errors,
            description_placeholders={CONF_ACCOUNT: entry.data[CONF_ACCOUNT]},
        )
