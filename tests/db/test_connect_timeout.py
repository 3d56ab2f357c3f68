"""An unreachable Postgres costs a role seconds, not minutes, and one clear line.

Two real ways a database is unreachable, both made here with plain sockets:
a server that accepts the TCP connection and never answers, and a port whose
accept queue is full, so the kernel drops the SYNs (what a firewall does).
Every command that opens the database goes through the one engine factory,
so each must give up after `connect_timeout` seconds with one line.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stratops.core.db.engine import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DatabaseUnreachableError,
    create_engine_for,
    parse_url,
    with_connect_timeout,
)

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]
V35B = ROOT / "manifests" / "strategies" / "v3-5b.yaml"
TIMEOUT_S = 2  # libpq's smallest effective timeout


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never sends a byte."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


@contextlib.contextmanager
def dropping_port() -> Iterator[int]:
    """A listening port whose accept queue is full: further SYNs are dropped, never refused."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers: list[socket.socket] = []
    try:
        for _ in range(8):
            client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            client.setblocking(False)
            fillers.append(client)
            client.connect_ex(("127.0.0.1", port))
            time.sleep(0.1)
        yield port
    finally:
        for client in fillers:
            client.close()
        server.close()


UNREACHABLE = {"silent": silent_server, "dropping": dropping_port}


def _url(port: int, timeout: int | None = TIMEOUT_S) -> str:
    query = f"?connect_timeout={timeout}" if timeout is not None else ""
    return f"postgresql://stratops:secret@127.0.0.1:{port}/stratops{query}"


def test_the_default_timeout_is_at_most_ten_seconds_and_a_url_may_set_its_own() -> None:
    assert DEFAULT_CONNECT_TIMEOUT_S <= 10
    default = with_connect_timeout(parse_url("postgresql://u@db/x"))
    assert default.query["connect_timeout"] == str(DEFAULT_CONNECT_TIMEOUT_S)
    own = with_connect_timeout(parse_url("postgresql://u@db/x?connect_timeout=3"))
    assert own.query["connect_timeout"] == "3"


@pytest.mark.parametrize("kind", list(UNREACHABLE))
def test_the_engine_gives_up_after_the_timeout(kind: str) -> None:
    with UNREACHABLE[kind]() as port:
        engine = create_engine_for(_url(port))
        started = time.monotonic()
        with pytest.raises(DatabaseUnreachableError) as info:
            engine.connect()
        elapsed = time.monotonic() - started
        engine.dispose()
    assert elapsed < TIMEOUT_S + 5
    message = str(info.value)
    assert message.startswith("cannot connect to database postgresql+psycopg://stratops:***@")
    assert "timeout" in message
    assert "\n" not in message


COMMANDS = {
    "run": lambda url, tmp: [
        *("run", "--strategy", str(V35B), "--date", "2025-01-16", "--db", url),
        *("--data-dir", str(tmp), "--state-dir", str(tmp / "state")),
    ],
    "run-all": lambda url, tmp: [
        *("run-all", "--manifests", str(V35B.parent), "--date", "2025-01-16", "--db", url),
        *("--data-dir", str(tmp), "--state-dir", str(tmp / "state")),
    ],
    "db upgrade": lambda url, tmp: ["db", "upgrade", "--db", url],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_role_reports_an_unreachable_database_in_one_line(
    command: str, tmp_path: Path
) -> None:
    with silent_server() as port:
        argv = COMMANDS[command](_url(port), tmp_path)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "stratops.core.cli", *argv],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "cannot connect to database" in lines[0]
    assert "Traceback" not in done.stderr
    assert elapsed < 60, "one timed-out attempt, not minutes of retries"


def test_the_api_start_up_check_returns_within_the_timeout() -> None:
    """The API starts without its database (`/readyz` says so) but never hangs on it."""
    from stratops.api.database import check_read_only, create_readonly_engine

    with silent_server() as port:
        engine = create_readonly_engine(_url(port))
        started = time.monotonic()
        note = check_read_only(engine)
        elapsed = time.monotonic() - started
        engine.dispose()
    assert elapsed < TIMEOUT_S + 5
    assert note is not None
    assert "not reachable yet" in note
    assert "timeout" in note
