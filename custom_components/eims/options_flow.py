"""The options flow: currency, gateway time zone, number format, tracking, guards, history, Assist."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
import zoneinfo

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_WEBHOOK_ID, MATCH_ALL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.generated.currencies import ACTIVE_CURRENCIES
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.selector import (
    BooleanSelector,
    ConversationAgentSelector,
    LanguageSelector,
    LanguageSelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.setup import async_setup_component
import voluptuous as vol

from .const import (
    CONF_AGENT_ID,
    CONF_ASSIST,
    CONF_CURRENCY,
    CONF_DAILY_LIMIT,
    CONF_DUPLICATE_WINDOW,
    CONF_ENABLED,
    CONF_GATEWAY_TIME_ZONE,
    CONF_HISTORY_LIMIT,
    CONF_LANGUAGE,
    CONF_MAX_SEGMENTS,
    CONF_NUMBER_FORMAT,
    CONF_RATE_LIMIT,
    CONF_REPLIES_PER_HOUR,
    CONF_TRACKING_WINDOW,
    CONF_TRUSTED_NUMBERS,
    DEFAULT_AGENT_ID,
    DEFAULT_DAILY_LIMIT,
    DEFAULT_DUPLICATE_WINDOW,
    DEFAULT_HISTORY_LIMIT,
    DEFAULT_MAX_SEGMENTS,
    DEFAULT_RATE_LIMIT,
    DEFAULT_REPLIES_PER_HOUR,
    DEFAULT_TRACKING_WINDOW_HOURS,
    MAX_HISTORY_LIMIT,
    MAX_MAX_SEGMENTS,
    MAX_RATE_LIMIT,
    MAX_REPLIES_PER_HOUR,
    NO_CURRENCY,
    NUMBER_FORMAT_DIGITS,
    NUMBER_FORMAT_PLUS,
)
from .notify_names import async_get_notify_names
from .numbers import async_parse, normalise_numbers
from .text import listing

TRACKING_WINDOW = vol.All(
    NumberSelector(
        NumberSelectorConfig(
            min=1, max=720, step=1, unit_of_measurement="h", mode=NumberSelectorMode.BOX
        )
    ),
    vol.Coerce(int),
)
DUPLICATE_WINDOW = vol.All(
    NumberSelector(
        NumberSelectorConfig(
            min=0,
            max=86400,
            step=1,
            unit_of_measurement="s",
            mode=NumberSelectorMode.BOX,
        )
    ),
    vol.Coerce(int),
)
DAILY_LIMIT = vol.All(
    NumberSelector(
        NumberSelectorConfig(min=0, max=1_000_000, step=1, mode=NumberSelectorMode.BOX)
    ),
    vol.Coerce(int),
)


def push_report_url(hass: HomeAssistant, webhook_id: str) -> str:
    """Return the URL to paste into the gateway's push report setting ("-" without one)."""
    try:
        return webhook.async_generate_url(hass, webhook_id)
    except NoURLAvailableError:
        return "-"


async def async_notify_services(hass: HomeAssistant, entry: ConfigEntry) -> str:
    """Return the entry's named notify services, the account's first, as the UI lists them."""
    names = (await async_get_notify_names(hass)).names()
    return ", ".join(
        f"notify.{name}"
        for target, name in names.items()
        if target.entry_id == entry.entry_id
    )


class AssistOptionsError(Exception):
    """The options form's Assist section cannot be saved as entered."""

    def __init__(self, key: str, **placeholders: str) -> None:
        """Keep the form error's translation key and its placeholders."""
        super().__init__(key)
        self.key = key
        self.placeholders = placeholders


def assist_languages(hass: HomeAssistant) -> list[str]:
    """
    Return the languages the conversation agents speak, HA's own among them.

    When an agent takes any language, the built-in agent's list is offered.
    """
    # Imported when the options form is shown: config_flow loads at startup, Assist may be off.
    from homeassistant.components import conversation

    languages = conversation.async_get_conversation_languages(hass)
    if languages == MATCH_ALL:
        languages = conversation.async_get_conversation_languages(
            hass, DEFAULT_AGENT_ID
        )
    return sorted({*languages, hass.config.language})


def currency_options(hass: HomeAssistant) -> list[str]:
    """
    Return the currency choices: none (credits), Home Assistant's currency, then the rest.

    The gateway's provider, not Home Assistant, decides what the balance counts, so none
    stays the default: a balance of credits is never shown as money unless the user says so.
    """
    first = [NO_CURRENCY]
    if hass.config.currency in ACTIVE_CURRENCIES:
        first.append(hass.config.currency)
    return [*first, *sorted(ACTIVE_CURRENCIES - set(first))]


def _count(maximum: int) -> vol.All:
    """Return a whole-number field from 1 to `maximum`."""
    return vol.All(
        NumberSelector(
            NumberSelectorConfig(min=1, max=maximum, mode=NumberSelectorMode.BOX)
        ),
        vol.Coerce(int),
    )


async def async_assist_section(hass: HomeAssistant) -> section:
    """
    Return the options form's Assist section (collapsed: it is off by default).

    The conversation integration is set up first: the agent and language fields list its agents.
    """
    await async_setup_component(hass, "conversation", {})
    return section(
        vol.Schema(
            {
                vol.Required(CONF_ENABLED, default=False): BooleanSelector(),
                vol.Optional(CONF_TRUSTED_NUMBERS, default=[]): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.TEL, multiple=True)
                ),
                vol.Required(
                    CONF_AGENT_ID, default=DEFAULT_AGENT_ID
                ): ConversationAgentSelector(),
                vol.Required(
                    CONF_LANGUAGE, default=hass.config.language
                ): LanguageSelector(
                    # Without a list, the frontend's picker fails to draw in a section.
                    LanguageSelectorConfig(languages=assist_languages(hass))
                ),
                vol.Required(CONF_RATE_LIMIT, default=DEFAULT_RATE_LIMIT): _count(
                    MAX_RATE_LIMIT
                ),
                vol.Required(
                    CONF_REPLIES_PER_HOUR, default=DEFAULT_REPLIES_PER_HOUR
                ): _count(MAX_REPLIES_PER_HOUR),
                vol.Required(CONF_MAX_SEGMENTS, default=DEFAULT_MAX_SEGMENTS): _count(
                    MAX_MAX_SEGMENTS
                ),
            }
        ),
        {"collapsed": True},
    )


async def async_check_assist_options(
    hass: HomeAssistant, assist: Mapping[str, Any]
) -> dict[str, Any]:
    """Return the section's input with the trusted numbers in E.164; raise AssistOptionsError."""
    trusted = assist.get(CONF_TRUSTED_NUMBERS) or []
    parsed = await async_parse(
        hass, lambda country: normalise_numbers(trusted, country=country, plus=True)
    )
    if parsed.invalid:
        raise AssistOptionsError(
            "invalid_trusted_numbers", numbers=listing(parsed.invalid)
        )
    if assist.get(CONF_ENABLED) and not parsed.valid:
        raise AssistOptionsError("no_trusted_numbers")
    return {**assist, CONF_TRUSTED_NUMBERS: parsed.valid}


class EimsOptionsFlow(OptionsFlow):
    """Change how the account's figures and times are read (the entry reloads on save)."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the currency, the gateway's time zone and Assist over SMS."""
        errors: dict[str, str] = {}
        placeholders = {
            "webhook_url": push_report_url(
                self.hass, self.config_entry.data[CONF_WEBHOOK_ID]
            ),
            "notify_services": await async_notify_services(
                self.hass, self.config_entry
            ),
        }
        assist_fields = await async_assist_section(self.hass)
        if user_input is not None:
            try:
                assist = await async_check_assist_options(
                    # A form sent without the section gets its defaults: Assist off.
                    self.hass,
                    assist_fields.schema(user_input.get(CONF_ASSIST, {})),
                )
            except AssistOptionsError as err:
                errors["base"] = err.key
                placeholders.update(err.placeholders)
            else:
                return self.async_create_entry(data={**user_input, CONF_ASSIST: assist})
        zones = await self.hass.async_add_executor_job(zoneinfo.available_timezones)
        schema = vol.Schema(
            {
                vol.Required(CONF_CURRENCY, default=NO_CURRENCY): SelectSelector(
                    SelectSelectorConfig(
                        options=currency_options(self.hass),
                        mode=SelectSelectorMode.DROPDOWN,
                        translation_key=CONF_CURRENCY,
                        sort=False,
                    )
                ),
                vol.Required(
                    CONF_GATEWAY_TIME_ZONE, default=self.hass.config.time_zone
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=sorted(zones), mode=SelectSelectorMode.DROPDOWN
                    )
                ),
                vol.Required(
                    CONF_NUMBER_FORMAT, default=NUMBER_FORMAT_PLUS
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=[NUMBER_FORMAT_PLUS, NUMBER_FORMAT_DIGITS],
                        translation_key=CONF_NUMBER_FORMAT,
                    )
                ),
                vol.Required(
                    CONF_TRACKING_WINDOW, default=DEFAULT_TRACKING_WINDOW_HOURS
                ): TRACKING_WINDOW,
                vol.Required(
                    CONF_DUPLICATE_WINDOW, default=DEFAULT_DUPLICATE_WINDOW
                ): DUPLICATE_WINDOW,
                vol.Required(
                    CONF_DAILY_LIMIT, default=DEFAULT_DAILY_LIMIT
                ): DAILY_LIMIT,
                vol.Required(CONF_HISTORY_LIMIT, default=DEFAULT_HISTORY_LIMIT): _count(
                    MAX_HISTORY_LIMIT
                ),
                # No default of its own, so the frontend shows its fields' defaults.
                vol.Optional(CONF_ASSIST): assist_fields,
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or self.config_entry.options
            ),
            errors=errors,
            description_placeholders=placeholders,
        )
