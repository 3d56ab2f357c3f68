"""The dashboard in headless Chromium (the system's Debian `chromium`, never a downloaded
browser), served by a real uvicorn on loopback from a ledger written by the runner.

Skipped on a machine without /usr/bin/chromium, except under CI, where a missing
browser is a failure. Every test fails on a console error or warning, an uncaught
exception, a failed request, an HTTP error answer, or a request for anything but the
loopback server (those are blocked, so the page must work offline). Requests the
page aborts itself (a view replaced while loading) are not failures. Screenshots of
every view land in `test-artifacts/screenshots/` (or `$STRATOPS_SCREENSHOTS_DIR`), the
folder CI keeps; with `STRATOPS_README_SCREENSHOTS=1` the overview and backtest
compare shots are also written to `docs/screenshots/`, where the README shows them.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn

from ..conftest import ApiClient

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if _in_ci():
            pytest.fail(f"CI: {CHROMIUM} is missing (.ci/run installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


ROOT = Path(__file__).resolve().parents[4]
README_SHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def screenshots() -> Path:
    folder = Path(
        os.environ.get("STRATOPS_SCREENSHOTS_DIR") or ROOT / "test-artifacts" / "screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread cannot own the signal handlers
        pass


@pytest.fixture
def served(make_client: Callable[..., ApiClient]) -> Callable[[str], str]:
    """`served(scenario)`: the base URL of a uvicorn serving that scenario's app."""
    servers: list[tuple[_Server, threading.Thread]] = []

    def serve(name: str) -> str:
        app = make_client(name).app
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = _Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started, "uvicorn did not start"
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield serve
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from open_page(browser, 1400, 900)


def open_page(browser: Any, width: int, height: int) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    problems: list[str] = []

    def guard(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith("data:") or host in LOOPBACK:
            route.continue_()
        else:
            problems.append(f"request left the machine: {route.request.url}")
            route.abort()

    context.route("**/*", guard)
    opened = context.new_page()
    opened.problems = problems
    opened.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    opened.on("pageerror", lambda e: problems.append(str(e)))
    opened.on(
        "requestfailed", lambda r: _failed(r) and problems.append(f"failed: {r.url} {r.failure}")
    )
    opened.on(
        "response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}")
    )
    yield opened
    context.close()
    assert problems == [], problems


def _failed(request: Any) -> bool:
    """A failed request, except one the page cancelled on purpose (a view replaced while it
    loaded aborts its fetches); blocked off-machine requests are reported by the guard."""
    return request.failure != "net::ERR_ABORTED"


def ready(page: Any) -> None:
    page.wait_for_selector("#view[data-ready=true]", timeout=15000)


def shoot(page: Any, folder: Path, name: str, readme: str | None = None) -> Path:
    """Save a full-page screenshot as `name`; `readme` also saves it under that name
    in docs/screenshots/ when STRATOPS_README_SCREENSHOTS is set."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    if readme and os.environ.get("STRATOPS_README_SCREENSHOTS"):
        README_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(README_SHOTS / f"{readme}.png"), full_page=True)
    return path


def tab(page: Any, view: str) -> None:
    page.click(f"#tabs [data-view={view}]")
    ready(page)
