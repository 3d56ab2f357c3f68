"""The dashboard's views in headless Chromium: the views the seed planned, the shell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import ready, shoot, tab

pytestmark = [pytest.mark.db, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def test_page_loads_without_console_errors(
    page: Any, served: Callable[[str], str], screenshots: Path
) -> None:
    page.goto(served("ranges") + "/")
    ready(page)
    tab(page, "performance")
    assert page.locator("h1").first.inner_text() == "Hierarchical Adaptive v3.5b"
    assert page.locator("#equity-chart canvas").count() >= 1
    assert page.locator(".band").count() == 1
    assert shoot(page, screenshots, "performance").stat().st_size > 10_000


def test_selector_switches_strategy_and_remembers_it(
    page: Any, served: Callable[[str], str]
) -> None:
    base = served("ranges")
    page.goto(base + "/")
    ready(page)
    tab(page, "performance")
    page.click("#selector .chip[data-strategy=v3_5d]")
    ready(page)
    assert page.locator("h1").first.inner_text() == "Hierarchical Adaptive v3.5d"
    assert page.evaluate("localStorage.getItem('stratops.strategy')") == '"v3_5d"'
    page.reload()
    ready(page)
    assert page.locator("h1").first.inner_text() == "Hierarchical Adaptive v3.5d"


def test_compare_mode_draws_two_curves_and_the_baseline(
    page: Any, served: Callable[[str], str], screenshots: Path
) -> None:
    page.goto(served("ranges") + "/")
    ready(page)
    tab(page, "performance")
    page.click("#compare-toggle + .slider")
    ready(page)
    assert page.get_attribute("#equity-chart", "data-series") == "v3_5b,v3_5d,QQQ"
    legend = page.locator("#equity-chart .u-legend .u-series th").all_inner_texts()
    assert [t.strip() for t in legend] == ["Date", "v3_5b", "v3_5d", "QQQ"]
    assert page.locator(".band").count() == 2
    assert page.locator("table.metrics .badge.win").count() == 1
    shoot(page, screenshots, "compare")
    page.click("#log-toggle + .slider")
    ready(page)
    shoot(page, screenshots, "compare-log")


def test_trades_and_backtest_views(
    page: Any, served: Callable[[str], str], screenshots: Path
) -> None:
    page.goto(served("ranges") + "/")
    ready(page)
    tab(page, "trades")
    page.select_option("#trades-filter", "v3_5d")
    ready(page)
    strategies = page.locator("#trades-table tbody .tag").all_inner_texts()
    assert strategies
    assert set(strategies) == {"v3_5d"}
    heads = [t.strip() for t in page.locator("#trades-table thead th").all_inner_texts()]
    for column in ("Commission", "Slippage", "Realised P&L", "Reason"):
        assert column.upper() in [c.upper() for c in heads]
    assert page.locator("#round-trips-table tbody tr").count() >= 1
    shoot(page, screenshots, "trades")
    tab(page, "backtest")
    assert page.locator("#backtest-chart canvas").count() >= 1
    shoot(page, screenshots, "backtest")


def test_empty_database_says_what_to_do(page: Any, served: Callable[[str], str]) -> None:
    page.goto(served("empty") + "/")
    ready(page)
    assert "No strategies yet" in page.locator("#view").inner_text()
