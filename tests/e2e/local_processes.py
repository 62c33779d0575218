"""Start, watch and stop the servers of an end-to-end run, all on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import contextlib
import ctypes
import os
from pathlib import Path
import signal
import socket
import subprocess
import time

LOOPBACK = "127.0.0.1"
PR_SET_PDEATHSIG = 1
# Looked up before any fork: the child only makes the call.
_prctl = ctypes.CDLL(None, use_errno=True).prctl


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, even when it is killed (Linux)."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_logged(
    command: Sequence[str],
    log_path: Path,
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start `command` with stdout and stderr going to `log_path` (a file, so no reader thread).

    Its own session keeps a Ctrl-C on pytest from reaching it: the fixture's teardown stops it.
    `env` adds to (or overrides) the test process's environment.
    """
    with log_path.open("ab") as log:
        return subprocess.Popen(  # noqa: S603 - our own commands, no shell
            command,
            cwd=cwd,
            env=None if env is None else {**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - one libc call
        )


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], log_path: Path, timeout: float
) -> None:
    """Wait until `port` accepts connections; fail early with the log when `process` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{process.args!r} exited with {process.returncode}:\n{tail(log_path)}"
            )
        with contextlib.suppress(OSError):
            socket.create_connection((LOOPBACK, port), timeout=1).close()
            return
        time.sleep(0.1)
    raise TimeoutError(
        f"nothing listens on {LOOPBACK}:{port} after {timeout:.0f} s:\n{tail(log_path)}"
    )


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Ask `process` to stop (SIGTERM), then kill it if it has not after `timeout` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def tail(log_path: Path, lines: int = 40) -> str:
    """Return the last lines of a log, for error messages."""
    if not log_path.exists():
        return "(no log)"
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
