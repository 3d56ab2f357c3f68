"""`stratops demo` on a bare folder: it builds everything, serves it, and reuses it next time."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from .support import cli, popen

pytestmark = [pytest.mark.db, pytest.mark.slow]
STARTUP_LIMIT_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(url: str, process: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"demo exited with {process.returncode}:\n{out}\n{err}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.5)
    pytest.fail(f"nothing served at {url} within {STARTUP_LIMIT_SECONDS}s")


def test_the_demo_serves_both_strategies_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """Run from an empty folder: no checkout around, so the packaged manifests are used."""
    port = _free_port()
    demo = popen("demo", "--replay-sessions", "5", "--port", str(port), cwd=tmp_path)
    try:
        response = _wait_for(f"http://127.0.0.1:{port}/api/strategies", demo)
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
    finally:
        demo.send_signal(signal.SIGINT)
        out, err = demo.communicate(timeout=60)
    assert response.status_code == 200
    strategies = {s["id"]: s for s in response.json()["strategies"]}
    assert sorted(strategies) == ["v3_5b", "v3_5d"]
    assert strategies["v3_5b"]["is_primary"] is True
    assert all(s["current_equity"] for s in strategies.values())
    assert page.status_code == 200
    assert demo.returncode == 0, err
    assert "SYNTHETIC DATA" in out
    assert f"http://127.0.0.1:{port}/" in out
    assert (tmp_path / ".stratops-demo" / "synthetic" / "stratops.db").is_file()


def test_running_the_demo_again_reuses_everything(tmp_path: Path) -> None:
    first = cli("demo", "--replay-sessions", "5", "--no-serve", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "generated 6 symbols" in first.stdout
    again = cli("demo", "--replay-sessions", "5", "--no-serve", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "reused 6 symbols" in again.stdout
    assert again.stdout.count("(already stored)") == 2
    assert "market data loaded 0 time(s)" in again.stdout
    rows = [line.split() for line in again.stdout.splitlines() if line.startswith("v3_5")]
    assert [(r[0], r[2], r[5]) for r in rows] == [("v3_5b", "5", "5"), ("v3_5d", "5", "5")]
