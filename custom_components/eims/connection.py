"""Build the gateway client from a config entry's settings."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import ipaddress
import re
import socket
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

# One label of a DNS name: letters, digits and inner hyphens, at most 63.
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_MAX_NAME = 253


def is_valid_host(host: str) -> bool:
    """Tell an IP address or a DNS name from anything else (`-`, `...`, `1.2.3.4.5.6`)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    labels = host.removesuffix(".").split(".")
    # An all-digit top label is no name: "1.2.3.4.5.6" is a mistyped address.
    return (
        len(host) <= _MAX_NAME
        and not labels[-1].isdigit()
        and all(_LABEL.fullmatch(label) for label in labels)
    )


def split_gateway_url(value: str, port: int, ssl: bool) -> tuple[str, int, bool]:
    """
    Return host, port and TLS from a URL (`https://host:port`), `host:port` or a host.

    A port in the host field wins over the port field. ValueError for anything else.
    """
    value = value.strip()
    if "://" not in value:
        if is_valid_host(value):
            return value, port, ssl
        value = f"{'https' if ssl else 'http'}://{value}"
    parts = urlsplit(value)
    host = parts.hostname
    if (
        parts.scheme not in ("http", "https")
        or host is None
        or parts.path not in ("", "/")
        # Not `parts.query` or `parts.fragment`: a bare "?" or "#" leaves them empty.
        or "?" in value
        or "#" in value
        or parts.username is not None
        or not is_valid_host(host)
    ):
        raise ValueError(value)
    # `port` raises ValueError itself when out of range.
    return host, parts.port or port, parts.scheme == "https"


def canonical_host(host: str) -> str:
    """Spell a host one way: an IP address short, a name in lower case without the root dot."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.lower().removesuffix(".")
    # "::ffff:127.0.0.1" is 127.0.0.1 reached over IPv6.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def account_key(data: Mapping[str, Any]) -> str:
    """
    Identify a gateway account at its address: the config entry's unique id.

    The address is in it because the gateway has no identity of its own to offer: its API
    answers with an account's balance, messages and reports, never a serial number or a
    server id, and the same account name exists on other gateways. Entities and stored data
    hang off the entry id instead, so a reconfigure that changes this key changes nothing else.
    """
    host = canonical_host(data[CONF_HOST])
    return f"{host}:{data[CONF_PORT]}:{data[CONF_ACCOUNT].lower()}"


async def async_host_addresses(hass: HomeAssistant, host: str) -> frozenset[str]:
    """
    Return what tells the host's gateway apart: its canonical name and every address of it.

    Resolved off the event loop and bounded in time. A name this resolver cannot answer for
    (DNS down, a `.local` name) is compared as written; the balance check has the last word.
    """
    name = canonical_host(host)
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            infos = await hass.loop.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except OSError:  # socket.gaierror, and TimeoutError
        return frozenset({name})
    return frozenset({name, *(canonical_host(str(info[4][0])) for info in infos)})


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
