"""The dashboard's sweeps view in headless Chromium: ranking, heat map, manifest export.

Served by a real uvicorn from a ledger `stratops sweep` wrote; the exported
manifest is read back with the same model `stratops validate` uses.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml

from stratops.api.app import create_app
from stratops.api.settings import ApiSettings
from stratops.core.manifests import parse_strategy
from stratops.core.strategies.registry import build_strategy

from .support import cli, rows, sweep_doc, write_sweep

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.db, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread cannot own the signal handlers
        pass


@pytest.fixture
def page() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI: {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        opened = browser.new_page(viewport={"width": 1400, "height": 900})
        problems: list[str] = []
        opened.problems = problems
        opened.on("console", lambda m: m.type == "error" and problems.append(m.text))
        opened.on("pageerror", lambda e: problems.append(str(e)))
        yield opened
        browser.close()


@pytest.fixture
def base_url(migrated_db_url: str, market_cache: Path, tmp_path: Path) -> Iterator[str]:
    path = write_sweep(tmp_path / "m", sweep_doc())
    done = cli("sweep", path, "--data-dir", market_cache, "--db", migrated_db_url)
    assert done.returncode == 0, done.stderr
    app = create_app(ApiSettings(db_url=migrated_db_url))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.context.engine.dispose()


def test_the_sweeps_view_ranks_maps_and_exports_a_manifest(
    page: Any, base_url: str, migrated_db_url: str, tmp_path: Path
) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("#view[data-ready=true]", timeout=15000)  # the first view is drawn
    page.click("#tabs .tab[data-view=sweeps]")
    page.wait_for_selector("#view[data-view=sweeps][data-ready=true]", timeout=15000)
    table = page.locator("#sweep-table tbody tr")
    assert table.count() == 6
    stored = rows(migrated_db_url)
    best = max(stored, key=lambda r: r["score"])
    assert table.first.get_attribute("data-index") == str(best["set_index"])
    heat = page.locator("#sweep-heatmap tbody tr")
    assert heat.count() == 2  # sma_fast 30, 40
    assert page.locator("#sweep-heatmap td.heat").count() == 6
    table.nth(1).locator("button.export").click()
    text = page.locator("#sweep-manifest").inner_text()
    page.screenshot(path=str(tmp_path / "sweeps.png"), full_page=True)
    manifest = parse_strategy(yaml.safe_load(text), "exported")
    chosen = next(
        r for r in stored if str(r["set_index"]) == table.nth(1).get_attribute("data-index")
    )
    for name, value in chosen["parameters"].items():
        assert manifest.spec.parameters[name] == value
    assert manifest.spec.primary is False
    assert manifest.spec.strategy_id == f"v3_5b_s{chosen['set_index']}"
    build_strategy(manifest.spec)  # the class accepts it: a valid variant to commit
    assert page.problems == []
