"""Each defect a trader hit first, and each tool a trader reaches for, in headless Chromium."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import open_page, ready, shoot, tab

pytestmark = [pytest.mark.db, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]
VIEWS = ("overview", "performance", "compare", "trades", "backtest", "backtest-compare")


def _show(page: Any, view: str) -> None:
    """Open `view`; `compare` is the performance view with the compare toggle on."""
    compare_on = page.is_checked("#compare-toggle")
    tab(page, "performance" if view == "compare" else view)
    if (view == "compare") != compare_on and view in ("compare", "performance"):
        page.click("#compare-toggle + .slider")
        ready(page)


def _overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.fixture(params=[1440, 800], ids=lambda w: f"{w}px")
def sized_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    yield from open_page(browser, request.param, 900)


def test_every_view_is_labelled_synthetic_and_fits_the_window(
    sized_page: Any, served: Callable[[str], str], screenshots: Path
) -> None:
    page = sized_page
    width = page.viewport_size["width"]
    page.goto(served("ranges") + "/")
    ready(page)
    for view in VIEWS:
        _show(page, view)
        assert page.locator("#view .synthetic-label").count() == 1, view
        assert _overflow(page) <= 0, f"{view} is wider than {width} px"
        chart = page.locator("#view .chart").first
        if chart.count():  # hovering moves the regime caption: it must stay inside
            box = chart.bounding_box()
            page.mouse.move(box["x"] + box["width"] - 3, box["y"] + 60)
            assert _overflow(page) <= 0, f"{view} overflows while hovered at {width} px"
        readme = view if width == 1440 and view in ("overview", "backtest-compare") else None
        shoot(page, screenshots, f"{view}-{width}", readme=readme)


def test_switching_tabs_quickly_shows_only_the_last_view(
    page: Any, served: Callable[[str], str]
) -> None:
    page.goto(served("ranges") + "/")
    ready(page)
    for _ in range(3):  # the backtest's loads are still running when performance is asked for
        page.click("#tabs [data-view=backtest]")
        page.click("#tabs [data-view=performance]")
        ready(page)
        page.wait_for_timeout(400)  # time for a stale load to (wrongly) land
        assert page.get_attribute("#view", "data-view") == "performance"
        assert page.locator("#view #backtest-chart").count() == 0
        assert page.locator("#view h1").count() == 1
        assert page.locator("#view .uplot").count() == 2  # equity and drawdown only


def test_overview_cards_follow_the_status_endpoint(page: Any, served: Callable[[str], str]) -> None:
    base = served("ranges")
    page.goto(base + "/")
    ready(page)
    status = json.loads(page.evaluate("fetch('/api/status/strategies').then(r => r.text())"))
    overview = json.loads(page.evaluate("fetch('/api/overview').then(r => r.text())"))
    cards = page.locator(".strategy-card")
    assert cards.count() == 2
    for sid, st in status["strategies"].items():
        card = page.locator(f".strategy-card[data-strategy={sid}]")
        assert card.get_attribute("data-health") == st["health"]
        role = "primary" if st["is_primary"] else "secondary"
        assert card.locator(".badge.role").inner_text().lower() == role
        if st["message"]:
            assert st["message"] in card.inner_text()
        ret = overview["strategies"][sid]["total_return"]
        assert f"{abs(ret):.2f} %" in card.inner_text()
    healths = {st["health"] for st in status["strategies"].values()}
    assert page.locator(".stale-help").count() == (1 if "stale" in healths else 0)
    page.click(".strategy-card[data-strategy=v3_5d] .card-title")
    ready(page)
    assert page.locator("h1").first.inner_text() == "Hierarchical Adaptive v3.5d"


def test_backtest_compare_overlays_and_tabulates(page: Any, served: Callable[[str], str]) -> None:
    page.goto(served("ranges") + "/")
    ready(page)
    tab(page, "backtest-compare")
    chart = "#backtest-compare-chart"
    assert page.get_attribute(chart, "data-series") == "v3_5b,v3_5d,QQQ"
    assert page.locator(".band").count() == 2
    assert page.locator("table.metrics tbody tr").count() == 7
    assert page.locator("#regime-table thead th").count() == 3
    assert page.locator("table.bt-trades tbody tr").count() == 2


def test_docs_work_offline(page: Any, served: Callable[[str], str]) -> None:
    """Every request outside loopback is blocked (and fails the test): Swagger UI must
    come from the API's own static files."""
    page.goto(served("one") + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "stratops read API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/backtest/compare" in [p.strip() for p in paths]


def test_legend_shows_latest_values_before_any_hover(
    page: Any, served: Callable[[str], str]
) -> None:
    page.goto(served("ranges") + "/")
    ready(page)
    tab(page, "performance")
    values = page.locator("#equity-chart .u-legend .u-series td").all_inner_texts()
    assert len(values) == 3
    assert all(v.strip() for v in values), values
    assert values[1].strip().startswith("$")


def test_log_axis_ticks_are_round(page: Any, served: Callable[[str], str]) -> None:
    page.goto(served("one") + "/")
    ready(page)
    splits = page.evaluate(
        "import('/static/js/charts.js').then(m => [m.logSplits(9700, 20600),"
        " m.logSplits(9000, 150000)])"
    )
    narrow, wide = splits
    assert narrow == [10000, 12000, 14000, 16000, 18000, 20000]
    assert wide == [10000, 20000, 50000, 100000]


def test_winner_is_qualified_when_buy_and_hold_beats_every_strategy(
    page: Any, served: Callable[[str], str]
) -> None:
    """The compare answer is edited in flight (a fake for the one branch the ledger may
    not reach): QQQ with the best Sharpe must be said, not hidden behind WINNER."""

    def better_baseline(route: Any) -> None:
        body = route.fetch().json()
        baseline = body["comparison"]["baseline"]
        baseline["sharpe_ratio"] = 99.0
        route.fulfill(json=body)

    page.route("**/api/performance/compare?*", better_baseline)
    page.goto(served("ranges") + "/")
    ready(page)
    tab(page, "performance")
    page.click("#compare-toggle + .slider")
    ready(page)
    assert page.locator("table.metrics .badge.win").count() == 1
    note = page.locator(".baseline-beats")
    assert note.count() == 1
    assert "Buy-and-hold QQQ beat every strategy" in note.inner_text()
    assert page.locator("table.metrics .badge.beats").count() == 1


def test_no_qualifier_when_a_strategy_beats_buy_and_hold(
    page: Any, served: Callable[[str], str]
) -> None:
    def worse_baseline(route: Any) -> None:
        body = route.fetch().json()
        body["comparison"]["baseline"]["sharpe_ratio"] = -99.0
        route.fulfill(json=body)

    page.route("**/api/performance/compare?*", worse_baseline)
    page.goto(served("ranges") + "/")
    ready(page)
    tab(page, "performance")
    page.click("#compare-toggle + .slider")
    ready(page)
    assert page.locator(".baseline-beats").count() == 0


def test_date_range_reaches_the_api_and_the_charts(page: Any, served: Callable[[str], str]) -> None:
    page.goto(served("ranges") + "/")
    ready(page)
    tab(page, "performance")
    with page.expect_request("**/api/performance?*start=2024-06-10*") as asked:
        page.fill("#range-start", "2024-06-10")
    assert "start=2024-06-10" in asked.value.url
    ready(page)
    assert "2024-06-10 → 2024-06-14" in page.locator(".view-title").inner_text()
    page.click("#range-clear")
    ready(page)
    assert "2024-06-03 → 2024-06-14" in page.locator(".view-title").inner_text()


def test_tables_export_csv_and_charts_export_png(
    page: Any, served: Callable[[str], str], tmp_path: Path
) -> None:
    page.goto(served("ranges") + "/")
    ready(page)
    tab(page, "performance")
    metrics_panel = page.locator(".panel", has=page.locator("table.metrics"))
    with page.expect_download() as csv_download:
        metrics_panel.locator("button.export", has_text="CSV").click()
    csv_path = tmp_path / "metrics.csv"
    csv_download.value.save_as(csv_path)
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith("Metric,")
    assert len(lines) == 8
    with page.expect_download() as png_download:
        page.locator(".panel", has=page.locator("#equity-chart")).locator(
            "button.export", has_text="PNG"
        ).click()
    png_path = tmp_path / "equity.png"
    png_download.value.save_as(png_path)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_path.stat().st_size > 5_000


def test_holdings_monthly_returns_and_rolling_figures(
    page: Any, served: Callable[[str], str]
) -> None:
    page.goto(served("ranges") + "/")
    ready(page)
    tab(page, "performance")
    state = json.loads(page.evaluate("fetch('/api/strategies/v3_5b/state').then(r => r.text())"))
    holdings = page.locator("#holdings-table tbody tr").all_inner_texts()
    assert len(holdings) == len(state["positions"]) + 1
    assert holdings[-1].startswith("Cash")
    assert f"{state['cash']:,.2f}" in holdings[-1]
    assert page.locator("table.monthly tbody tr").count() == 1  # June 2024 only
    tab(page, "backtest")
    assert page.locator("table.monthly tbody tr").count() == 2  # 2023 and 2024
    assert page.locator("#rolling-sharpe-chart canvas").count() >= 1
    assert page.locator("#rolling-vol-chart canvas").count() >= 1
    assert page.locator("#regime-table tbody tr").count() == 6
    cards = page.locator(".cards").inner_text()
    assert "TRADES" in cards.upper()


def test_monthly_and_rolling_figures_by_hand(page: Any, served: Callable[[str], str]) -> None:
    page.goto(served("one") + "/")
    ready(page)
    months, roll = page.evaluate(
        """import('/static/js/views/analysis.js').then(m => [
            m.monthlyReturns(['2023-12-29', '2024-01-02', '2024-01-31', '2024-02-29'],
                             [100, 104, 110, 99], 100),
            m.rolling([100, 101, 100, 102, 101], 3)])"""
    )
    assert months["2023"]["12"] == pytest.approx(0.0)
    assert months["2024"]["1"] == pytest.approx(10.0)
    assert months["2024"]["2"] == pytest.approx(-10.0)
    assert months["2024"]["year"] == pytest.approx(-1.0)
    returns = [101 / 100 - 1, 100 / 101 - 1, 102 / 100 - 1, 101 / 102 - 1]
    window = returns[1:4]
    mean = sum(window) / 3
    sd = (sum((r - mean) ** 2 for r in window) / 2) ** 0.5
    assert roll["vol"][:3] == [None, None, None]
    assert roll["vol"][4] == pytest.approx(sd * 252**0.5 * 100)
    assert roll["sharpe"][4] == pytest.approx(mean / sd * 252**0.5)
