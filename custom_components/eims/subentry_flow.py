"""Recipients and devices of an account: config subentries, each one a notify entity."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import (
    CONF_MESSAGE_TYPE,
    CONF_NUMBERS,
    CONF_SENDER,
    MESSAGE_TYPE_MMS,
    MESSAGE_TYPE_SMS,
)
from .notify_names import NotifyNames, NotifyTarget, async_get_notify_names
from .numbers import (
    NumberReading,
    ParsedNumbers,
    async_parse,
    normalise_numbers,
    read_numbers,
)
from .text import listing

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
    # The named notify actions, which the forms and the result name.
    _names: NotifyNames

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add a recipient; the notify platform adds its entity."""
        self._names = await async_get_notify_names(self.hass)
        return await self._async_step_form(user_input, {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a recipient; the entry reloads so its entity shows the change."""
        self._names = await async_get_notify_names(self.hass)
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
        parsed, readings = await async_parse(
            self.hass, partial(_read, user_input[CONF_NUMBERS])
        )
        if parsed.emergency:
            errors[CONF_NUMBERS] = "emergency_numbers"
            placeholders["numbers"] = listing(parsed.emergency)
        elif parsed.invalid:
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
        subentry_id = self._get_reconfigure_subentry().subentry_id
        return (
            "notify." + self._names.names()[NotifyTarget(self._entry_id, subentry_id)]
        )

    def _save(
        self, user_input: dict[str, Any], data: dict[str, Any]
    ) -> SubentryFlowResult:
        """Add the recipient, or change it (either reloads the entry)."""
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
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
                "notify_service": self._names.next_name(user_input[CONF_NAME])
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
    """Return the numbers normalised, and how each valid entry was read."""
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
