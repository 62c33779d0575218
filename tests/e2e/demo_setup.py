"""First run of scripts/develop: add the simulator's demo account and an "SMS" dashboard.

Run as `python -m tests.e2e.demo_setup URL USERNAME PASSWORD SIMULATOR_PORT`; it does nothing
when an EIMS entry exists already, so a user's own changes are never overwritten.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import aiohttp

from .dashboard import account_dashboard
from .gateway_entry import DOMAIN, entity_ids, wait_for_state
from .hass_api import HassApi
from .onboarding import log_in, wait_until_running

DASHBOARD_PATH = "dashboard-sms"


async def add_demo(hass_api: HassApi, simulator_port: int) -> bool:
    """Add the demo account through the config flow and a dashboard of it; False if one exists."""
    if await hass_api.rest("GET", f"/api/config/config_entries/entry?domain={DOMAIN}"):
        return False
    form = await hass_api.start_config_flow(DOMAIN)
    done = await hass_api.config_flow_step(
        form["flow_id"],
        {
            "host": "127.0.0.1",
            "port": simulator_port,
            "ssl": False,
            "verify_ssl": True,
            "account": "demo",
            "password": "demo",
        },
    )
    entry_id: str = done["result"]["entry_id"]
    entities = await entity_ids(hass_api, entry_id)
    await wait_for_state(hass_api, entities["balance"])
    await account_dashboard(hass_api, DASHBOARD_PATH, entry_id)
    return True


async def main_async(args: argparse.Namespace) -> None:
    """Log in and add the demo when there is no EIMS entry yet."""
    tokens = await asyncio.to_thread(log_in, args.url, args.username, args.password)
    await asyncio.to_thread(wait_until_running, args.url, tokens, 300)
    async with aiohttp.ClientSession() as session:
        hass_api = HassApi(
            session,
            hass_url=args.url,
            access_token=tokens.access_token,
            simulator_url=f"http://127.0.0.1:{args.simulator_port}",
        )
        try:
            if await add_demo(hass_api, args.simulator_port):
                sys.stdout.write(
                    f"==> Added the simulator's demo account: {args.url}/{DASHBOARD_PATH}/sms\n"
                )
        finally:
            await hass_api.close()


def main() -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("simulator_port", type=int)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
