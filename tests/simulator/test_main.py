"""The command line: bind address guard, account options and seeded inbound SMS."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
import pytest

from simulator.__main__ import build_parser, build_state, main


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> dict[str, Any]:
    """Run main() with web.run_app replaced; return what it was called with."""
    called: dict[str, Any] = {}

    def fake_run_app(app: web.Application, **kwargs: Any) -> None:
        called.update(kwargs, app=app)
        kwargs["print"]("started")

    monkeypatch.setattr(web, "run_app", fake_run_app)
    main(argv)
    return called


def test_defaults(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    called = run(monkeypatch, [])
    assert (called["host"], called["port"], called["access_log"]) == (
        "127.0.0.1",
        20003,
        None,
    )
    assert "EIMS simulator on http://127.0.0.1:20003 (account demo)" in caplog.text


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "localhost", "::1"])  # noqa: S104
def test_refuses_other_bind_addresses(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    with pytest.raises(SystemExit):
        run(monkeypatch, ["--host", host])
    assert "--allow-remote" in capsys.readouterr().err
    assert run(monkeypatch, ["--host", host, "--allow-remote"])["host"] == host


def test_bad_account_option(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run(monkeypatch, ["--push-url", "http://example.com/r"])
    assert "push_url" in capsys.readouterr().err


def test_options_reach_the_account() -> None:
    args = build_parser().parse_args(
        [
            "--account", "acme", "--password", "pw", "--key", "k", "--balance", "7",
            "--gift", "1", "--price", "0.2", "--mms-price", "0.9", "--step-seconds", "0",
            "--report-fields", "7", "--number-form", "plus", "--getsms-receiver",
            "--content-type", "text/html", "--no-deliver-reports",
            "--push-url", "http://127.0.0.1:8123/api/webhook/x", "--push-version", "2.0",
            "--sensitive-word", "casino", "--sensitive-word", "loan", "--seed-inbound", "7",
        ]
    )  # fmt: skip
    state = build_state(args)
    account = state.accounts["acme"]
    assert (account.password, account.key, str(account.balance), str(account.gift)) == (
        "pw", "k", "7", "1",
    )  # fmt: skip
    assert (account.report_fields, account.number_form, account.content_type) == (
        7, "plus", "text/html",
    )  # fmt: skip
    assert account.getsms_receiver and not account.deliver_reports
    assert account.sensitive_words == ["casino", "loan"]
    assert account.push_version == "2.0"
    assert [sms.id for sms in account.inbound] == [1, 2, 3, 4, 5, 6, 7]
    assert account.inbound[5].sender == account.inbound[0].sender


def test_demo_defaults_and_seed_flag() -> None:
    state = build_state(build_parser().parse_args(["--seed-inbound"]))
    account = state.accounts["demo"]
    assert (account.password, str(account.balance), str(account.gift), str(account.price)) == (
        "demo", "100.00", "5.00", "0.05",
    )  # fmt: skip
    assert len(account.inbound) == 3
    assert not build_state(build_parser().parse_args([])).accounts["demo"].inbound


def test_verbose_logs_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    levels: list[int] = []
    monkeypatch.setattr(logging, "basicConfig", lambda **kw: levels.append(kw["level"]))
    run(monkeypatch, ["--verbose"])
    run(monkeypatch, [])
    assert levels == [logging.INFO, logging.WARNING]
