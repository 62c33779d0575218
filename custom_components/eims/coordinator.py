"""The coordinators of one EIMS account, one per cadence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import (
    DataUpdateCoordinator,
    TimestampDataUpdateCoordinator,
    UpdateFailed,
)

from .account import EimsAccount
from .api import Balance, EimsError
from .const import BALANCE_INTERVAL, DOMAIN, LOGGER, UPDATE_INTERVAL
from .errors import async_gateway_answered, async_gateway_error


async def _async_ask_gateway[T](
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    request: Callable[[], Awaitable[T]],
    retry_after: timedelta | None = None,
) -> T:
    """Run one poll, turning the client's errors into the coordinator's, repairs included."""
    try:
        data = await request()
    except EimsError as err:
        failed = async_gateway_error(hass, entry, err, polling=True)
        if isinstance(failed, UpdateFailed) and retry_after is not None:
            failed.retry_after = retry_after.total_seconds()
        raise failed from err
    # The gateway refuses every request while locked or IP-limited: any answer clears them.
    async_gateway_answered(hass, entry)
    return data


class EimsBalanceCoordinator(TimestampDataUpdateCoordinator[Balance]):
    """
    The account's balance, fetched now and then and right after a send.

    It only moves when we send or when the account is topped up.
    """

    config_entry: ConfigEntry[Any]

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry[Any], account: EimsAccount
    ) -> None:
        """Create the balance coordinator of one account."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title} balance",
            update_interval=BALANCE_INTERVAL,
        )
        self._client = account.client
        # The balance moves with every send.
        account.sender.async_add_sent_listener(self.async_request_refresh)

    async def _async_update_data(self) -> Balance:
        # A failed poll is retried at the messages' pace, not half an hour later.
        return await _async_ask_gateway(
            self.hass, self.config_entry, self._client.get_balance, UPDATE_INTERVAL
        )


@callback
def _keep_polling() -> None:
    """Listen to nothing: a coordinator polls only while it has a listener."""


class EimsMessagesCoordinator(DataUpdateCoordinator[None]):
    """
    What users wait for, every cycle: inbound SMS and pending delivery reports.

    It holds no data: the inbox and the tracker keep what it fetched and tell their own
    listeners, so their entities stay true while the gateway is away.
    """

    config_entry: ConfigEntry[Any]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        account: EimsAccount,
    ) -> None:
        """Create the messages coordinator of one account."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title} messages",
            update_interval=UPDATE_INTERVAL,
        )
        self._account = account
        # Replies and quick reports may already be waiting after a send.
        account.sender.async_add_sent_listener(self.async_request_refresh)
        # No entity listens to it (the inbox and the tracker tell theirs): poll regardless.
        self.async_add_listener(_keep_polling)

    async def _async_poll(self) -> None:
        # SMS first: a failing report poll must not hold them back.
        await self._account.inbox.async_fetch(self._account.client)
        await self._account.tracker.async_poll()

    async def _async_update_data(self) -> None:
        await _async_ask_gateway(self.hass, self.config_entry, self._async_poll)
