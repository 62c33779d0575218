"""Command line: `python -m simulator [options]` serves the simulated gateway."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import logging
from typing import Any

from aiohttp import web

from .accounts import demo_account
from .app import create_app
from .state import GatewayState

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 20003
SEED_MESSAGES = (
    ("8613800000001", "Hello from the EIMS simulator"),
    ("8613800000002", "Your code is 123456"),
    ("8613800000003", "你好 这是一条测试短信"),
    ("8613800000004", "Reply STOP to unsubscribe"),
    ("8613800000005", "Meeting moved to 15:00"),
)


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    parser = argparse.ArgumentParser(prog="simulator", description=__doc__)
    parser.add_argument("--host", default=DEFAULT_HOST, help="bind address (127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (20003)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a bind address other than 127.0.0.1",
    )
    parser.add_argument("--account", default="demo")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--key", help="encryption key: enables the md5 password mode")
    parser.add_argument("--balance", default="100.00")
    parser.add_argument("--gift", default="5.00")
    parser.add_argument("--price", default="0.05", help="price per SMS and number")
    parser.add_argument("--mms-price", default="0.20", help="price per MMS and number")
    parser.add_argument(
        "--step-seconds",
        type=float,
        default=2.0,
        help="seconds per lifecycle step (0: only the control API steps messages)",
    )
    parser.add_argument("--report-fields", type=int, choices=(4, 6, 7), default=6)
    parser.add_argument("--number-form", choices=("int", "str", "plus"), default="str")
    parser.add_argument(
        "--getsms-receiver",
        action="store_true",
        help="getsms rows carry the receiving number",
    )
    parser.add_argument(
        "--content-type",
        choices=("application/json", "text/html"),
        default="application/json",
    )
    parser.add_argument(
        "--no-deliver-reports",
        action="store_true",
        help="EIMS_HTTP_GET_DELIVER_REPORT off",
    )
    parser.add_argument(
        "--push-url", help="http://127.0.0.1:PORT/path receiving PUT reports"
    )
    parser.add_argument("--push-version", choices=("1.0", "2.0"), default="1.0")
    parser.add_argument(
        "--sensitive-word",
        action="append",
        default=[],
        help="refused with -3 (repeatable)",
    )
    parser.add_argument(
        "--seed-inbound",
        type=int,
        nargs="?",
        const=3,
        default=0,
        metavar="N",
        help="queue N sample inbound SMS (3 when N is omitted)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def account_options(args: argparse.Namespace) -> dict[str, Any]:
    """Turn the parsed command line into account options."""
    return {
        "password": args.password,
        "key": args.key,
        "balance": args.balance,
        "gift": args.gift,
        "price": args.price,
        "mms_price": args.mms_price,
        "step_seconds": args.step_seconds,
        "report_fields": args.report_fields,
        "number_form": args.number_form,
        "getsms_receiver": args.getsms_receiver,
        "content_type": args.content_type,
        "deliver_reports": not args.no_deliver_reports,
        "push_url": args.push_url,
        "push_version": args.push_version,
        "sensitive_words": args.sensitive_word,
    }


def build_state(args: argparse.Namespace) -> GatewayState:
    """Create the state with the command line's account and seeded inbound SMS."""
    state = GatewayState([demo_account(args.account, **account_options(args))])
    account = state.accounts[args.account]
    for index in range(args.seed_inbound):
        sender, text = SEED_MESSAGES[index % len(SEED_MESSAGES)]
        state.add_inbound(account, sender=sender, content=text)
    return state


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.host != DEFAULT_HOST and not args.allow_remote:
        parser.error(
            f"refusing to bind {args.host}: pass --allow-remote to expose the simulator"
        )
    try:
        state = build_state(args)
    except ValueError as err:
        parser.error(str(err))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    web.run_app(
        create_app(state),
        host=args.host,
        port=args.port,
        access_log=None,
        print=lambda _: logging.getLogger(__name__).warning(
            "EIMS simulator on http://%s:%d (account %s)",
            args.host,
            args.port,
            args.account,
        ),
    )


if __name__ == "__main__":
    main()
