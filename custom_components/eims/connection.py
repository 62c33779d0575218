"""Build the gateway client from a config entry's settings."""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import Any
from urllib.parse import urlsplit

from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from .api import EimsClient
from .const import (
    CONF_ACCOUNT,
    CONF_ENCRYPTION_KEY,
    CONF_GATEWAY_TIME_ZONE,
    REQUEST_TIMEOUT,
)
from .seq import async_get_seq_source

# A DNS name, an IPv4 address, or an IPv6 address as urlsplit returns it (no brackets).
_HOST = re.compile(r"[A-Za-z0-9.-]+|[0-9A-Fa-f:.]+")


def split_gateway_url(value: str, port: int, ssl: bool) -> tuple[str, int, bool]:
    """Return host, port and TLS from a URL (`https://host:port`) or a bare host name."""
    value = value.strip()
    if "://" in value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(value)
        value, port, ssl = parts.hostname, parts.port or port, parts.scheme == "https"
    if not _HOST.fullmatch(value):
        raise ValueError(value)
    return value, port, ssl


def account_key(data: Mapping[str, Any]) -> str:
    """Identify a gateway account at its address: the config entry's unique id."""
    return f"{data[CONF_HOST]}:{data[CONF_PORT]}:{data[CONF_ACCOUNT]}".lower()


async def async_create_client(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    options: Mapping[str, Any] | None = None,
) -> EimsClient:
    """Create a client with Home Assistant's shared session and the account's signer."""
    key = data.get(CONF_ENCRYPTION_KEY) or None
    time_zone = dt_util.get_time_zone(
        (options or {}).get(CONF_GATEWAY_TIME_ZONE) or hass.config.time_zone
    )
    return EimsClient(
        async_get_clientsession(hass, verify_ssl=data.get(CONF_VERIFY_SSL, True)),
        data[CONF_HOST],
        account=data[CONF_ACCOUNT],
        password=data[CONF_PASSWORD],
        port=data[CONF_PORT],
        use_https=data.get(CONF_SSL, False),
        verify_ssl=data.get(CONF_VERIFY_SSL, True),
        key=key,
        seq_source=await async_get_seq_source(hass, data[CONF_ACCOUNT])
        if key
        else None,
        request_timeout=REQUEST_TIMEOUT,
        time_zone=time_zone or dt_util.UTC,
    )
