"""The dashboard in headless Chromium (the system's Debian `chromium`, never a downloaded
browser), served by a real uvicorn on loopback from a ledger written by the runner.

Skipped on a machine without /usr/bin/chromium, except under CI, where a missing
browser is a failure. Screenshots land in the pytest temporary directory
(`<basetemp>/screenshots`), printed at the end of each test.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from .conftest import ApiClient

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
pytestmark = [pytest.mark.db, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


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


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
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


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.problems = problems
    opened.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    opened.on("pageerror", lambda e: problems.append(str(e)))
    opened.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    yield opened
    context.close()


def _ready(page: Any) -> None:
    page.wait_for_selector("#view[data-ready=true]", timeout=15000)


def _shoot(page: Any, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def test_page_loads_without_console_errors(
    page: Any, served: Callable[[str], str], screenshots: Path
) -> None:
    page.goto(served("ranges") + "/")
    _ready(page)
    assert page.locator("h1").first.inner_text() == "Hierarchical Adaptive v3.5b"
    assert page.locator("#equity-chart canvas").count() >= 1
    assert page.locator(".band").count() == 1
    assert _shoot(page, screenshots, "performance").stat().st_size > 10_000
    assert page.problems == []


def test_selector_switches_strategy_and_remembers_it(
    page: Any, served: Callable[[str], str]
) -> None:
    base = served("ranges")
    page.goto(base + "/")
    _ready(page)
    page.click("#selector .chip[data-strategy=v3_5d]")
    _ready(page)
    assert page.locator("h1").first.inner_text() == "Hierarchical Adaptive v3.5d"
    assert page.evaluate("localStorage.getItem('stratops.strategy')") == '"v3_5d"'
    page.reload()
    _ready(page)
    assert page.locator("h1").first.inner_text() == "Hierarchical Adaptive v3.5d"
    assert page.problems == []


def test_compare_mode_draws_two_curves_and_the_baseline(
    page: Any, served: Callable[[str], str], screenshots: Path
) -> None:
    page.goto(served("ranges") + "/")
    _ready(page)
    page.click("#compare-toggle + .slider")
    _ready(page)
    assert page.get_attribute("#equity-chart", "data-series") == "v3_5b,v3_5d,QQQ"
    legend = page.locator("#equity-chart .u-legend .u-series th").all_inner_texts()
    assert [t.strip() for t in legend] == ["Date", "v3_5b", "v3_5d", "QQQ"]
    assert page.locator(".band").count() == 2
    assert page.locator("table.metrics .badge.win").count() == 1
    _shoot(page, screenshots, "compare")
    page.click("#log-toggle + .slider")
    _ready(page)
    _shoot(page, screenshots, "compare-log")
    assert page.problems == []


def test_trades_and_backtest_views(
    page: Any, served: Callable[[str], str], screenshots: Path
) -> None:
    page.goto(served("ranges") + "/")
    _ready(page)
    page.click("#tabs [data-view=trades]")
    _ready(page)
    page.select_option("#trades-filter", "v3_5d")
    _ready(page)
    strategies = page.locator("#trades-table tbody .tag").all_inner_texts()
    assert strategies
    assert set(strategies) == {"v3_5d"}
    _shoot(page, screenshots, "trades")
    page.click("#tabs [data-view=backtest]")
    _ready(page)
    assert page.locator("#backtest-chart canvas").count() >= 1
    _shoot(page, screenshots, "backtest")
    assert page.problems == []


def test_empty_database_says_what_to_do(page: Any, served: Callable[[str], str]) -> None:
    page.goto(served("empty") + "/")
    _ready(page)
    assert "No strategies yet" in page.locator("#view").inner_text()
    assert page.problems == []
