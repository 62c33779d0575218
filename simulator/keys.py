"""Typed keys of what the aiohttp applications share."""

from __future__ import annotations

from aiohttp import web

from .push import ReportPusher
from .state import GatewayState

STATE_KEY = web.AppKey("state", GatewayState)
PUSHER_KEY = web.AppKey("pusher", ReportPusher)
