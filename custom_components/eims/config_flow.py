"""Config flow for the EIMS SMS Gateway integration."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_NAME,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
)
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import DEFAULT_PORT, EimsError
from .connection import account_key, async_create_client, split_gateway_url
from .const import (
    CONF_ACCOUNT,
    CONF_ENCRYPTION_KEY,
    CONF_MESSAGE_TYPE,
    CONF_NUMBERS,
    CONF_SENDER,
    DOMAIN,
    LOGGER,
    MESSAGE_TYPE_MMS,
    MESSAGE_TYPE_SMS,
    SUBENTRY_DEVICE,
    SUBENTRY_RECIPIENT,
)
from .coordinator import EimsConfigEntry
from .errors import form_error_key
from .notify_names import NotifyTarget, next_service_name, service_names
from .numbers import NumberReading, ParsedNumbers, normalise_numbers, read_numbers
from .options_flow import EimsOptionsFlow, push_report_url
from .sending import listing

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
                if not (errors := await _async_check(self, data)):
                    data[CONF_WEBHOOK_ID] = webhook.async_generate_id()
                    return self.async_create_entry(
                        title=f"{data[CONF_ACCOUNT]} @ {data[CONF_HOST]}",
                        data=data,
                        description="push_url",
                        description_placeholders={
                            "webhook_url": push_report_url(
                                self.hass, data[CONF_WEBHOOK_ID]
                            ),
                            "notify_service": next_service_name(
                                self._async_current_entries(include_ignore=False),
                                data[CONF_ACCOUNT],
                            ),
                        },
                    )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, user_input),
            errors=errors,
        )

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
                return self.async_update_reload_and_abort(entry, data=data)
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
                # The account is not in this form: the entry keeps its account, and its
                # unique id follows the new address unless another entry has it already.
                unique_id = account_key(data)
                if unique_id != entry.unique_id:
                    await self.async_set_unique_id(unique_id)
                    self._abort_if_unique_id_configured()
                if not (errors := await _async_check(self, data)):
                    return self.async_update_reload_and_abort(
                        entry,
                        unique_id=unique_id,
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


DEVICE_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_NAME): TextSelector(),
        vol.Required(CONF_NUMBERS): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEL, multiple=True)
        ),
        vol.Optional(CONF_SENDER): TextSelector(),
    }
)
RECIPIENT_SCHEMA = DEVICE_SCHEMA.extend(
    {
        vol.Required(CONF_MESSAGE_TYPE, default=MESSAGE_TYPE_SMS): SelectSelector(
            SelectSelectorConfig(
                options=[MESSAGE_TYPE_SMS, MESSAGE_TYPE_MMS],
                translation_key=CONF_MESSAGE_TYPE,
            )
        ),
    }
)


class RecipientSubentryFlow(ConfigSubentryFlow):
    """
    Add or change a recipient: a name, its numbers, a sender id, SMS or MMS.

    Numbers that are not all phone numbers of Home Assistant's country (short codes, numbers
    of other countries) are saved only after the user has seen how each entry was read.
    """

    schema = RECIPIENT_SCHEMA
    # What the user typed and what it saves, while the check step asks about the numbers.
    _user_input: dict[str, Any]
    _data: dict[str, Any]
    _readings: list[NumberReading]

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add a recipient; the notify platform adds its entity."""
        return await self._async_step_form(user_input, {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a recipient; the entry reloads so its entity shows the change."""
        subentry = self._get_reconfigure_subentry()
        return await self._async_step_form(
            user_input, {CONF_NAME: subentry.title, **subentry.data}
        )

    async def async_step_save_numbers(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Save the numbers as the check step showed them."""
        return self._save(self._user_input, self._data)

    async def async_step_change_numbers(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Go back to the form, as the user filled it in."""
        return self._show_form(self._user_input, {}, {})

    async def _async_step_form(
        self, user_input: dict[str, Any] | None, stored: Mapping[str, Any]
    ) -> SubentryFlowResult:
        """Show the form (filled with `stored`), or save its input, or check its numbers."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is None:
            return self._show_form(stored, errors, placeholders)
        country = self.hass.config.country
        parsed, readings = await self.hass.async_add_executor_job(
            _read, user_input[CONF_NUMBERS], country
        )
        if parsed.invalid:
            errors[CONF_NUMBERS] = "invalid_numbers"
            placeholders["numbers"] = listing(parsed.invalid)
        elif not parsed.valid:
            errors[CONF_NUMBERS] = "no_numbers"
        if errors:
            return self._show_form(user_input, errors, placeholders)
        data = self._recipient_data(user_input, parsed.valid)
        if all(reading.national for reading in readings):
            return self._save(user_input, data)
        self._user_input, self._data, self._readings = user_input, data, readings
        return await self.async_step_check_numbers()

    async def async_step_check_numbers(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show how each entry was read; save, or go back to the form."""
        return self.async_show_menu(
            step_id="check_numbers",
            menu_options=["save_numbers", "change_numbers"],
            description_placeholders={
                "phone_numbers": _reading_list(
                    reading for reading in self._readings if not reading.is_short_code
                ),
                "short_codes": _reading_list(
                    reading for reading in self._readings if reading.is_short_code
                ),
            },
        )

    def _show_form(
        self,
        suggested: Mapping[str, Any],
        errors: dict[str, str],
        placeholders: dict[str, str],
    ) -> SubentryFlowResult:
        """Show the form of the step the flow started with: add, or change."""
        if self.source == SOURCE_RECONFIGURE:
            placeholders["notify_service"] = self._notify_service()
        return self.async_show_form(
            step_id=self.source,
            data_schema=self.add_suggested_values_to_schema(self.schema, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

    def _notify_service(self) -> str:
        """Return the named notify action of the recipient being changed."""
        names = service_names(self.hass.config_entries.async_entries(DOMAIN))
        subentry_id = self._get_reconfigure_subentry().subentry_id
        return "notify." + names[NotifyTarget(self._entry_id, subentry_id)]

    def _save(
        self, user_input: dict[str, Any], data: dict[str, Any]
    ) -> SubentryFlowResult:
        """Add the recipient, or change it and reload the entry."""
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(
                self._get_entry(),
                self._get_reconfigure_subentry(),
                title=user_input[CONF_NAME],
                data=data,
            )
        return self.async_create_entry(
            title=user_input[CONF_NAME],
            data=data,
            description="recipient_added",
            description_placeholders={
                "notify_service": next_service_name(
                    self.hass.config_entries.async_entries(DOMAIN),
                    user_input[CONF_NAME],
                )
            },
        )

    @staticmethod
    def _recipient_data(
        user_input: dict[str, Any], numbers: list[str]
    ) -> dict[str, Any]:
        """Return the subentry's data: numbers in E.164, the sender without blanks."""
        data: dict[str, Any] = {CONF_NUMBERS: numbers}
        if CONF_MESSAGE_TYPE in user_input:
            data[CONF_MESSAGE_TYPE] = user_input[CONF_MESSAGE_TYPE]
        if sender := user_input.get(CONF_SENDER, "").strip():
            data[CONF_SENDER] = sender
        return data


def _read(
    numbers: str | list[str], country: str | None
) -> tuple[ParsedNumbers, list[NumberReading]]:
    """Return the numbers normalised, and how each valid entry was read (slow: executor)."""
    return (
        normalise_numbers(numbers, country=country, plus=True),
        read_numbers(numbers, country=country),
    )


def _reading_list(readings: Iterable[NumberReading]) -> str:
    """Return a markdown list of how entries were read, or a dash for none."""
    lines = [
        f"- {reading.written} → {reading.shown}"
        + (f" ({reading.region})" if reading.region else "")
        for reading in readings
    ]
    return "\n".join(lines) or "—"


class DeviceSubentryFlow(RecipientSubentryFlow):
    """Add or change an SMS-controlled device: its text goes exactly as written, in GSM-7."""

    schema = DEVICE_SCHEMA
