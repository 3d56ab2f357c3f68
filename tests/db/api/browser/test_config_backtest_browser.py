"""The backtest of each strategy's current configuration beside its paper results, and the
stale mark on a backtest of a configuration the strategy no longer runs, in headless Chromium.

The "ranges" ledger holds backtests written by the real `stratops backtest-config`:
for v3_5b one of an older configuration (sma_fast 30) and then one of the manifest it
runs; for v3_5d only one of an older configuration.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.base import config_hash
from stratops.core.strategies.registry import build_strategy

from ..ledger import V35B, V35D
from .conftest import ready, shoot, tab

pytestmark = [pytest.mark.db, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def _hash_of(manifest: Path) -> str:
    spec = TradingStrategySpec.model_validate(yaml.safe_load(manifest.read_text())["spec"])
    return config_hash(build_strategy(spec), spec)


def _pct(value: float) -> str:
    """The dashboard's `pct`: signed, two decimals, grouped thousands."""
    return f"{'+' if value > 0 else ''}{value:,.2f} %"


def _num(value: float) -> str:
    return f"{value:,.2f}"


def _fetch(page: Any, path: str) -> Any:
    return json.loads(page.evaluate(f"fetch('{path}').then(r => r.text())"))


def _cells(page: Any) -> dict[str, tuple[str, str]]:
    """Metric -> (backtest, paper) as the Performance view's table shows them."""
    rows = page.locator("table.backtest-vs-paper tbody tr")
    out = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        label = row.locator("th").inner_text().strip()
        tds = row.locator("td").all_inner_texts()
        out[label] = (tds[0].strip(), tds[1].strip())
    return out


def test_the_current_configurations_backtest_stands_beside_paper_and_an_old_one_is_stale(
    page: Any, served: Callable[[str], str], screenshots: Path
) -> None:
    page.goto(served("ranges") + "/")
    ready(page)
    lists = {
        sid: _fetch(page, f"/api/backtests/configurations/{sid}") for sid in ("v3_5b", "v3_5d")
    }
    # The API's "current" is the hash of the manifest each strategy runs now.
    assert lists["v3_5b"]["current_config_hash"] == _hash_of(V35B)
    assert lists["v3_5d"]["current_config_hash"] == _hash_of(V35D)
    assert [b["stale"] for b in lists["v3_5b"]["backtests"]] == [False, True]
    assert [b["stale"] for b in lists["v3_5d"]["backtests"]] == [True]
    current = lists["v3_5b"]["backtests"][0]
    old = lists["v3_5d"]["backtests"][0]
    assert old["config_hash"] != _hash_of(V35D)
    assert _fetch(page, "/api/backtests/configurations")["strategies"] == lists  # the cards' read

    # Overview: each card's backtest line, the stale one marked.
    tab(page, "overview")
    fresh_line = page.locator(".strategy-card[data-strategy=v3_5b] .backtest-line")
    stale_line = page.locator(".strategy-card[data-strategy=v3_5d] .backtest-line")
    assert fresh_line.get_attribute("data-backtest") == "current"
    assert f"Sharpe {_num(current['metrics']['sharpe'])}" in fresh_line.inner_text()
    assert f"CAGR {_pct(current['metrics']['cagr_pct'])}" in fresh_line.inner_text()
    assert fresh_line.locator(".badge.stale-backtest").count() == 0
    assert stale_line.get_attribute("data-backtest") == "stale"
    assert f"Sharpe {_num(old['metrics']['sharpe'])}" in stale_line.inner_text()
    assert stale_line.locator(".badge.stale-backtest").inner_text().strip().lower() == "stale"
    shoot(page, screenshots, "overview-config-backtests")

    # Performance of v3_5b: the current configuration's backtest beside paper, not stale.
    page.click(".strategy-card[data-strategy=v3_5b] .card-title")
    ready(page)
    performance = _fetch(page, "/api/performance?strategy_id=v3_5b")
    trades = _fetch(page, "/api/trades?strategy_id=v3_5b&limit=1000")
    table = page.locator("table.backtest-vs-paper")
    assert table.get_attribute("data-stale") == "false"
    assert page.locator(".stale-backtest-note").count() == 0
    assert table.locator(".badge.stale-backtest").count() == 0
    cells = _cells(page)
    m, p = current["metrics"], performance["metrics"]
    period = performance["period"]
    assert cells["Period"] == (
        f"{current['start']} → {current['end']}",
        f"{period['start_date']} → {period['end_date']}",
    )
    assert cells["CAGR"] == (_pct(m["cagr_pct"]), _pct(p["cagr"]))
    assert cells["Sharpe"] == (_num(m["sharpe"]), _num(p["sharpe_ratio"]))
    assert cells["Max drawdown"] == (_pct(m["max_drawdown_pct"]), _pct(p["max_drawdown"]))
    sells = sum(1 for t in trades["trades"] if t["action"] == "SELL")
    assert cells["Trades"] == (str(m["trades"]), str(sells))
    assert m["trades"] > 0
    shoot(page, screenshots, "performance-config-backtest")

    # Performance of v3_5d: only an older configuration was backtested, so it is marked stale.
    page.click("#selector .chip[data-strategy=v3_5d]")
    ready(page)
    table = page.locator("table.backtest-vs-paper")
    assert table.get_attribute("data-stale") == "true"
    assert table.locator("thead .badge.stale-backtest").count() == 1
    note = page.locator(".stale-backtest-note").inner_text()
    assert old["config_hash"][:12] in note
    assert lists["v3_5d"]["current_config_hash"][:12] in note
    assert _cells(page)["Sharpe"][0] == _num(old["metrics"]["sharpe"])
    shoot(page, screenshots, "performance-config-backtest-stale")


def test_a_strategy_without_a_configuration_backtest_says_so(
    page: Any, served: Callable[[str], str]
) -> None:
    page.goto(served("one") + "/")
    ready(page)
    assert _fetch(page, "/api/backtests/configurations/v3_5b")["backtests"] == []
    line = page.locator(".strategy-card[data-strategy=v3_5b] .backtest-line")
    assert line.get_attribute("data-backtest") == "none"
    tab(page, "performance")
    assert page.locator("table.backtest-vs-paper").count() == 0
    assert "No backtest of this configuration yet" in page.locator("#view").inner_text()
