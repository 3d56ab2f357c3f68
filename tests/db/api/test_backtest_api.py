"""`/api/backtest/*`: runs stored by `stratops backtest` and legacy dashboard CSV exports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stratops.core import performance_metrics as metrics

from .conftest import ApiClient

pytestmark = pytest.mark.db
MakeClient = Callable[..., ApiClient]

# The original exporter's quirks (strategy spec §7): LF comments, CRLF rows, empty
# baseline cells, `Cell_n` or bare integers, a header from another run.
LEGACY = (
    "# Backtest Dashboard Export\n# strategy_name: Legacy_Class\n# start_date: 2024-01-01\n"
    "# end_date: 2024-01-05\n# initial_capital: 10000.00\n# total_return: 999.00\n"
    "# annualized_return: 1.00\n# sharpe_ratio: 9.99\n# max_drawdown: -1.00\n# alpha: 2.00\n"
    "# baseline_ticker: QQQ\n"
    "Date,Portfolio_Value,Baseline_Value,BuyHold_Value,Regime,Trend,Vol\r\n"
    "2024-01-02,10000.00,10000.00,10000.00,3,Sideways,Low\r\n"
    "2024-01-03,10100.00,,10050.00,Cell_1,BullStrong,Low\r\n"
    "2024-01-04,9900.00,10020.00,,1,BullStrong,High\r\n"
    "2024-01-05,10200.00,10080.00,10080.00,2,BullStrong,High\r\n"
)


def test_lists_stored_runs_and_csv_exports(make_client: MakeClient) -> None:
    listed = make_client("ranges").json("/api/backtest/strategies")["strategies"]
    sources = {(b["source"], b["strategy_class"]) for b in listed}
    assert ("database", "Hierarchical_Adaptive_v3_5b") in sources
    assert ("csv", "Hierarchical_Adaptive_v3_5b") in sources
    assert all(b["strategy_id"] == "v3_5b" for b in listed)


def test_default_is_the_primarys_stored_run(make_client: MakeClient) -> None:
    body = make_client("ranges").json("/api/backtest/data")
    assert (body["info"]["source"], body["info"]["strategy_id"]) == ("database", "v3_5b")
    # Like `stratops backtest`, the initial capital is the curve's first point.
    equity = [body["initial_capital"], *(p["portfolio_value"] for p in body["points"])]
    assert body["info"]["start_date"] == body["points"][0]["date"]
    assert body["metrics"]["max_drawdown"] == pytest.approx(metrics.max_drawdown(equity) * 100)


def test_stored_metrics_match_the_recomputed_ones(make_client: MakeClient) -> None:
    body = make_client("ranges").json("/api/backtest/data", {"strategy_id": "v3_5b"})
    assert body["reported"]["sharpe"] == pytest.approx(body["metrics"]["sharpe_ratio"])
    assert body["reported"]["cagr_pct"] == pytest.approx(body["metrics"]["cagr"])
    assert body["alpha"] == pytest.approx(
        body["metrics"]["cagr"] - body["baseline_metrics"]["cagr"]
    )


def test_csv_export_of_the_same_run_gives_the_same_curve(make_client: MakeClient) -> None:
    client = make_client("ranges")
    stored = client.json("/api/backtest/data", {"strategy_id": "v3_5b", "source": "database"})
    exported = client.json("/api/backtest/data", {"strategy_id": "v3_5b", "source": "csv"})
    assert [p["date"] for p in exported["points"]] == [p["date"] for p in stored["points"]]
    assert [p["portfolio_value"] for p in exported["points"]] == pytest.approx(
        [p["portfolio_value"] for p in stored["points"]], abs=0.005
    )


def test_legacy_csv_with_quirks(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "dashboard_Legacy_Class.csv").write_bytes(LEGACY.encode("ascii"))
    client = make_client("empty", dashboards_dir=tmp_path)
    listed = client.json("/api/backtest/strategies")["strategies"]
    assert listed == [
        {
            "strategy_id": None,
            "strategy_class": "Legacy_Class",
            "source": "csv",
            "backtest_id": None,
            "start_date": "2024-01-02",
            "end_date": "2024-01-05",
            "synthetic": False,
            "created_at": None,
        }
    ]
    body = client.json("/api/backtest/data", {"strategy_class": "Legacy_Class"})
    assert [p["cell"] for p in body["points"]] == [3, 1, 1, 2]
    assert [p["baseline_value"] for p in body["points"]] == [10000.0, None, 10020.0, 10080.0]
    assert body["metrics"]["total_return"] == pytest.approx(2.0)
    assert body["reported"]["total_return"] == 999.0
    assert body["baseline_metrics"]["total_return"] == pytest.approx(0.8)


def test_no_backtest_is_404(make_client: MakeClient) -> None:
    client = make_client("one")
    response = client.get("/api/backtest/data", {"strategy_id": "v3_5b", "source": "database"})
    assert response.status_code == 404
    assert response.json() == {"detail": "no backtest for strategy_id='v3_5b'"}


def test_empty_database_without_exports_lists_nothing(make_client: MakeClient) -> None:
    assert make_client("empty").json("/api/backtest/strategies") == {"strategies": []}
