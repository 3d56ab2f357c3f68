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
    sources = {(b["source"], b["strategy_class"], b["strategy_id"]) for b in listed}
    assert sources == {
        ("database", "Hierarchical_Adaptive_v3_5b", "v3_5b"),
        ("csv", "Hierarchical_Adaptive_v3_5b", "v3_5b"),
        ("database", "Hierarchical_Adaptive_v3_5d", "v3_5d"),
        ("csv", "Hierarchical_Adaptive_v3_5d", "v3_5d"),
    }


def test_default_is_the_primarys_stored_run(make_client: MakeClient) -> None:
    body = make_client("ranges").json("/api/backtest/data")
    assert (body["info"]["source"], body["info"]["strategy_id"]) == ("database", "v3_5b")
    # Like `stratops backtest`, the initial capital is the curve's first point.
    equity = [body["initial_capital"], *body["series"]["portfolio_value"]]
    assert body["info"]["start_date"] == body["series"]["date"][0]
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
    assert exported["series"]["date"] == stored["series"]["date"]
    assert exported["series"]["portfolio_value"] == pytest.approx(
        stored["series"]["portfolio_value"], abs=0.005
    )
    assert exported["series"]["buyhold_value"] == pytest.approx(
        stored["series"]["buyhold_value"], abs=0.005
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
    assert body["series"]["cell"] == [3, 1, 1, 2]
    assert body["series"]["baseline_value"] == [10000.0, None, 10020.0, 10080.0]
    # An empty BuyHold_Value cell falls back to the baseline (both are QQQ held).
    assert body["series"]["buyhold_value"] == [10000.0, 10050.0, 10020.0, 10080.0]
    assert body["sessions_by_cell"] == {"1": 2, "2": 1, "3": 1}
    assert body["metrics"]["total_return"] == pytest.approx(2.0)
    assert body["reported"]["total_return"] == 999.0
    assert body["baseline_metrics"]["total_return"] == pytest.approx(0.8)


def test_no_backtest_is_404(make_client: MakeClient) -> None:
    client = make_client("one")
    response = client.get("/api/backtest/data", {"strategy_id": "v3_5b", "source": "database"})
    assert response.status_code == 404
    assert response.json() == {
        "detail": "no backtest for strategy_id='v3_5b' among the stored runs (source=database)"
    }


def test_empty_database_without_exports_lists_nothing(make_client: MakeClient) -> None:
    assert make_client("empty").json("/api/backtest/strategies") == {"strategies": []}


def test_counts_are_integers_flags_booleans_and_buyhold_is_filled(
    make_client: MakeClient,
) -> None:
    body = make_client("ranges").json("/api/backtest/data", {"source": "database"})
    reported = body["reported"]
    assert type(reported["sessions"]) is int
    assert type(reported["trades"]) is int
    assert type(reported["synthetic"]) is bool
    assert reported["sessions"] == len(body["series"]["date"])
    assert body["trades"] == reported["trades"]
    assert body["fills"] == reported["fills"]
    assert None not in body["series"]["buyhold_value"]
    assert body["series"]["buyhold_value"] == body["series"]["baseline_value"]
    assert sum(body["sessions_by_cell"].values()) == sum(
        c is not None for c in body["series"]["cell"]
    )


def test_columns_have_one_entry_per_session(make_client: MakeClient) -> None:
    series = make_client("ranges").json("/api/backtest/data")["series"]
    lengths = {name: len(values) for name, values in series.items()}
    assert len(set(lengths.values())) == 1, lengths
    assert series["date"] == sorted(series["date"])


def test_a_window_is_measured_from_its_own_first_close(make_client: MakeClient) -> None:
    client = make_client("ranges")
    whole = client.json("/api/backtest/data")["series"]
    start, end = whole["date"][20], whole["date"][60]
    body = client.json("/api/backtest/data", {"start": start, "end": end})
    assert body["series"]["date"] == whole["date"][20:61]
    assert body["period"] == {"start_date": start, "end_date": end, "trading_days": 41}
    values = whole["portfolio_value"][20:61]
    assert body["metrics"]["total_return"] == pytest.approx(
        (values[-1] / values[0] - 1) * 100, abs=1e-3
    )


def test_csv_source_miss_names_the_csv_exports(make_client: MakeClient) -> None:
    response = make_client("one", dashboards_dir=None).get(
        "/api/backtest/data", {"strategy_id": "v3_5b", "source": "csv"}
    )
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "CSV exports (source=csv)" in detail
    assert "no dashboards folder is configured" in detail


def test_backtest_compare_on_common_sessions(make_client: MakeClient) -> None:
    client = make_client("ranges")
    body = client.json("/api/backtest/compare", {"strategy_ids": ["v3_5b", "v3_5d"]})
    c = body["comparison"]
    b = client.json("/api/backtest/data", {"strategy_id": "v3_5b"})
    d = client.json("/api/backtest/data", {"strategy_id": "v3_5d"})
    common = sorted(set(b["series"]["date"]) & set(d["series"]["date"]))
    assert c["series"]["dates"] == common
    assert c["period"]["trading_days"] == len(common)
    curve = [
        v
        for day, v in zip(b["series"]["date"], b["series"]["portfolio_value"], strict=True)
        if day in common
    ]
    assert c["series"]["equity"]["v3_5b"] == curve
    assert c["strategies"]["v3_5b"]["max_drawdown"] == pytest.approx(
        metrics.max_drawdown(curve) * 100
    )
    assert c["winner"] in ("v3_5b", "v3_5d")
    # Same cache, same window: the same data snapshot, so no mismatch.
    assert c["data_snapshot_mismatch"] is False
    assert [len(body["cells"][s]) for s in ("v3_5b", "v3_5d")] == [len(common)] * 2
    assert body["trades"] == {"v3_5b": b["trades"], "v3_5d": d["trades"]}
    assert sum(body["sessions_by_cell"]["v3_5d"].values()) == sum(
        x is not None for x in body["cells"]["v3_5d"]
    )
    assert body["synthetic"] is True


def test_backtest_compare_needs_a_backtest_for_every_id(make_client: MakeClient) -> None:
    client = make_client("one", dashboards_dir=None)
    response = client.get("/api/backtest/compare", {"strategy_ids": ["v3_5b", "v3_5d"]})
    assert response.status_code == 404
    assert response.json() == {"detail": "no backtest for strategy_id='v3_5b'"}
    repeated = client.get("/api/backtest/compare", {"strategy_ids": ["v3_5b", "v3_5b"]})
    assert repeated.status_code == 422
