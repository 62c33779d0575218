"""Automation triggers: an SMS received, a delivery failed, a question answered or not."""

from __future__ import annotations

from abc import abstractmethod
import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Final, cast, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_CONFIG_ENTRY_ID, CONF_OPTIONS
from homeassistant.core import CALLBACK_TYPE, Context, Event, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.trigger import (
    Trigger,
    TriggerActionRunner,
    TriggerConfig,
    TriggerNotTriggeredReporter,
)
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

from .account.ask import EVENT_REPLY_RECEIVED
from .account.delivery_status import FAILED_STATUSES
from .account.receive import (
    ATTR_ASK_ID,
    ATTR_DECODED,
    ATTR_ENTRY_ID,
    ATTR_ID,
    ATTR_RECEIVED_AT,
    ATTR_RECEIVER,
    ATTR_TEXT,
    EVENT_SMS_RECEIVED,
)
from .account.recipients import is_one_of, recipient_name
from .account.track import EVENT_DELIVERY_REPORT
from .const import ATTR_SENDER, LOGGER
from .errors import async_config_error
from .matching import (
    SEARCH_TIMEOUT,
    PatternError,
    compile_pattern,
    first_word,
    match_keyword,
    search_groups,
    sender_key,
)
from .numbers import async_parse

if TYPE_CHECKING:
    import regex

CONF_FROM: Final = "from"
CONF_TO: Final = "to"
CONF_KEYWORD: Final = "keyword"
CONF_PATTERN: Final = "pattern"

# The pattern's named groups join these variables: they may not replace one.
SMS_VARIABLES: Final = frozenset(
    {
        "entry_id",
        "sms_id",
        "sender",
        "recipient",
        "receiver",
        "text",
        "received_at",
        "keyword",
        "arguments",
        "ask_id",
        # Every trigger's own variables.
        "id",
        "idx",
        "alias",
        "platform",
        "description",
    }
)


def _compile_pattern(text: str) -> regex.Pattern[str]:
    """Compile a pattern whose named groups are free variable names (in the executor)."""
    compiled = compile_pattern(text)
    if taken := sorted(SMS_VARIABLES.intersection(compiled.groupindex)):
        raise PatternError("pattern_group_taken", names=", ".join(taken))
    return compiled


def _non_blank(value: Any) -> str:
    text = cv.string(value).strip()
    if not text:
        raise vol.Invalid("An entry is empty")
    return text


_SENDERS = vol.All(cv.ensure_list, [_non_blank])
_ENTRY = {vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}


def _options_schema(fields: Mapping[vol.Marker, Any]) -> vol.Schema:
    return vol.Schema({vol.Required(CONF_OPTIONS, default=dict): {**_ENTRY, **fields}})


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


class EimsEventTrigger(Trigger):
    """A trigger fed by one of the integration's bus events, one account or all."""

    event_type: ClassVar[str]
    options_schema: ClassVar[vol.Schema]

    @override
    @classmethod
    async def async_validate_config(
        cls, hass: HomeAssistant, config: ConfigType
    ) -> ConfigType:
        """Validate the trigger's options."""
        return cast("ConfigType", cls.options_schema(config))

    def __init__(self, hass: HomeAssistant, config: TriggerConfig) -> None:
        """Keep the validated options."""
        super().__init__(hass, config)
        # Validation gives every trigger its options, empty ones included.
        self._options: dict[str, Any] = config.options or {}
        self._entry_id: str | None = self._options.get(ATTR_CONFIG_ENTRY_ID) or None

    async def _async_prepare(self) -> None:
        """Do the slow part of reading the options before listening."""

    @callback
    def _async_run(
        self,
        run_action: TriggerActionRunner,
        payload: dict[str, Any],
        context: Context | None,
    ) -> None:
        """Run the action for an event that matched."""
        run_action(payload, self._description(payload), context)

    @abstractmethod
    def _payload(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        """Return the trigger variables of an event, or None when it does not match."""

    @abstractmethod
    def _description(self, payload: Mapping[str, Any]) -> str:
        """Return what triggered, as the trace and the logbook say it."""

    @callback
    def _is_watched(self, data: Mapping[str, Any]) -> bool:
        return self._entry_id is None or data.get(ATTR_ENTRY_ID) == self._entry_id

    @override
    async def async_attach_runner(
        self,
        run_action: TriggerActionRunner,
        did_not_trigger: TriggerNotTriggeredReporter | None = None,
    ) -> CALLBACK_TYPE:
        """Run the action for every matching event."""
        await self._async_prepare()

        @callback
        def async_event(event: Event[Mapping[str, Any]]) -> None:
            if (payload := self._payload(event.data)) is not None:
                self._async_run(run_action, payload, event.context)

        return self._hass.bus.async_listen(
            self.event_type, async_event, event_filter=self._is_watched
        )

    def _entry(self, data: Mapping[str, Any]) -> ConfigEntry | None:
        return self._hass.config_entries.async_get_entry(data[ATTR_ENTRY_ID])

    async def _async_sender_keys(self, values: list[str]) -> frozenset[str]:
        """Return the options' numbers and names as `sender_key`s."""
        return await async_parse(
            self._hass,
            lambda country: frozenset(
                sender_key(value, country=country) for value in values
            ),
        )


class SmsReceivedTrigger(EimsEventTrigger):
    """An SMS from given senders, starting with a keyword or matching a pattern."""

    event_type = EVENT_SMS_RECEIVED
    options_schema = _options_schema(
        {
            vol.Optional(CONF_FROM, default=list): _SENDERS,
            vol.Optional(CONF_KEYWORD, default=list): _SENDERS,
            vol.Optional(CONF_PATTERN): cv.string,
        }
    )

    @override
    @classmethod
    async def async_validate_config(
        cls, hass: HomeAssistant, config: ConfigType
    ) -> ConfigType:
        """Validate the options; a pattern must compile (which can take a while)."""
        config = await super().async_validate_config(hass, config)
        if pattern := config[CONF_OPTIONS].get(CONF_PATTERN):
            try:
                await hass.async_add_executor_job(_compile_pattern, pattern)
            except PatternError as err:
                raise await async_config_error(
                    hass, err.key, **err.placeholders
                ) from err
        return config

    def __init__(self, hass: HomeAssistant, config: TriggerConfig) -> None:
        """Start with no pattern compiled and no number to filter on."""
        super().__init__(hass, config)
        self._keywords: list[str] = self._options[CONF_KEYWORD]
        self._pattern: regex.Pattern[str] | None = None
        self._senders: frozenset[str] = frozenset()
        # One search at a time: the runs keep the order the SMS came in.
        self._searching = asyncio.Lock()

    @override
    async def _async_prepare(self) -> None:
        self._senders = await self._async_sender_keys(self._options[CONF_FROM])
        if pattern := self._options.get(CONF_PATTERN):
            self._pattern = await self._hass.async_add_executor_job(
                _compile_pattern, pattern
            )

    @override
    def _payload(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        country = self._hass.config.country
        entry = self._entry(data)
        sender: str = data[ATTR_SENDER]
        if self._senders and not is_one_of(
            entry, sender, self._senders, country=country
        ):
            return None
        text: str = data[ATTR_TEXT]
        readable = data.get(ATTR_DECODED, True)
        keyword = first_word(text) if readable else None
        arguments = None
        if self._keywords:
            if not readable or (found := match_keyword(text, self._keywords)) is None:
                return None
            keyword, arguments = found
        if self._pattern is not None and not readable:
            return None
        return {
            "entry_id": data[ATTR_ENTRY_ID],
            "sms_id": data[ATTR_ID],
            "sender": sender,
            "recipient": recipient_name(entry, sender_key(sender, country=country)),
            "receiver": data.get(ATTR_RECEIVER),
            "text": text,
            "received_at": _time(data.get(ATTR_RECEIVED_AT)),
            "keyword": keyword,
            "arguments": arguments,
            # Set when the SMS answered a question asked with eims.ask.
            "ask_id": data.get(ATTR_ASK_ID),
        }

    @override
    @callback
    def _async_run(
        self,
        run_action: TriggerActionRunner,
        payload: dict[str, Any],
        context: Context | None,
    ) -> None:
        if self._pattern is None:
            super()._async_run(run_action, payload, context)
            return
        self._hass.async_create_task(
            self._async_search(self._pattern, run_action, payload, context),
            f"eims pattern search in SMS {payload['sms_id']}",
            eager_start=True,
        )

    async def _async_search(
        self,
        pattern: regex.Pattern[str],
        run_action: TriggerActionRunner,
        payload: dict[str, Any],
        context: Context | None,
    ) -> None:
        """Search the text off the event loop: a pattern that backtracks cannot stall it."""
        async with self._searching:
            try:
                groups = await self._hass.async_add_executor_job(
                    search_groups, pattern, payload["text"]
                )
            except TimeoutError:
                LOGGER.warning(
                    "Pattern %s gave up on SMS %s after %s s: it does not match",
                    pattern.pattern,
                    payload["sms_id"],
                    SEARCH_TIMEOUT,
                )
                return
        if groups is not None:
            super()._async_run(run_action, {**payload, **groups}, context)

    @override
    def _description(self, payload: Mapping[str, Any]) -> str:
        return f"SMS from {payload['recipient'] or payload['sender']}"


class DeliveryFailedTrigger(EimsEventTrigger):
    """A sent message that certainly did not arrive: failed, timed out or unknown."""

    event_type = EVENT_DELIVERY_REPORT
    options_schema = _options_schema({vol.Optional(CONF_TO, default=list): _SENDERS})

    def __init__(self, hass: HomeAssistant, config: TriggerConfig) -> None:
        """Start with no number to filter on."""
        super().__init__(hass, config)
        self._numbers: frozenset[str] = frozenset()

    @override
    async def _async_prepare(self) -> None:
        self._numbers = await self._async_sender_keys(self._options[CONF_TO])

    @override
    def _payload(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        if not data["final"] or data["status"] not in FAILED_STATUSES:
            return None
        country = self._hass.config.country
        entry = self._entry(data)
        number: str = data["number"]
        if self._numbers and not is_one_of(
            entry, number, self._numbers, country=country
        ):
            return None
        return {
            "entry_id": data[ATTR_ENTRY_ID],
            "message_id": data["message_id"],
            "number": number,
            "recipient": recipient_name(entry, sender_key(number, country=country)),
            "status": data["status"],
            # The gateway's failure code when it gave one, else the status says why.
            "reason": data["reason"] or data["status"],
            "code": data["code"],
            "origin": data["origin"],
            "sent_at": _time(data["sent_at"]),
            "reported_at": _time(data["reported_at"]),
        }

    @override
    def _description(self, payload: Mapping[str, Any]) -> str:
        return f"SMS to {payload['recipient'] or payload['number']} not delivered"


class ReplyReceivedTrigger(EimsEventTrigger):
    """The end of a question asked with `eims.ask`: its reply, or its timeout."""

    event_type = EVENT_REPLY_RECEIVED
    options_schema = _options_schema(
        {vol.Optional(ATTR_ASK_ID, default=list): _SENDERS}
    )

    @override
    def _payload(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        ask_ids: list[str] = self._options[ATTR_ASK_ID]
        if ask_ids and data[ATTR_ASK_ID] not in ask_ids:
            return None
        number: str | None = data["number"]
        return {
            "entry_id": data[ATTR_ENTRY_ID],
            "ask_id": data[ATTR_ASK_ID],
            "question": data["question"],
            "choice": data["choice"],
            "text": data["text"],
            "number": number,
            "recipient": None
            if number is None
            else recipient_name(
                self._entry(data),
                sender_key(number, country=self._hass.config.country),
            ),
            "timed_out": data["timed_out"],
            "asked_at": _time(data["asked_at"]),
        }

    @override
    def _description(self, payload: Mapping[str, Any]) -> str:
        if payload["timed_out"]:
            return f"no reply to question {payload['ask_id']}"
        return f"reply to question {payload['ask_id']}"


TRIGGERS: Final[dict[str, type[Trigger]]] = {
    "sms_received": SmsReceivedTrigger,
    "delivery_failed": DeliveryFailedTrigger,
    "reply_received": ReplyReceivedTrigger,
}


async def async_get_triggers(hass: HomeAssistant) -> dict[str, type[Trigger]]:
    """Return the integration's triggers."""
    return TRIGGERS
