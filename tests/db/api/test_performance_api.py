"""`/api/performance` and `/api/performance/compare` on real ledgers.

The compare numbers are checked against stratops.core.performance_metrics on the very
series the API serves, restricted to the common dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from stratops.core import performance_metrics as metrics

from .conftest import ApiClient
from .ledger import SCENARIOS

pytestmark = pytest.mark.db
MakeClient = Callable[..., ApiClient]
BOTH = {"strategy_ids": ["v3_5b", "v3_5d"]}
COMMON = sorted(
    set(SCENARIOS["ranges"].dates_of("v3_5b")) & set(SCENARIOS["ranges"].dates_of("v3_5d"))
)


def _series(client: ApiClient, sid: str) -> dict[dt.date, float]:
    points = client.json("/api/performance", {"strategy_id": sid})["series"]
    return {dt.date.fromisoformat(p["date"]): p["equity"] for p in points}


def test_default_is_the_primary(make_client: MakeClient) -> None:
    client = make_client("ranges")
    assert client.json("/api/performance")["strategy_id"] == "v3_5b"


def test_no_primary_is_404_with_a_message(make_client: MakeClient) -> None:
    response = make_client("empty").get("/api/performance")
    assert response.status_code == 404
    assert "no primary strategy" in response.json()["detail"]


def test_series_covers_every_snapshot(make_client: MakeClient) -> None:
    body = make_client("one").json("/api/performance", {"strategy_id": "v3_5b"})
    dates = SCENARIOS["one"].dates_of("v3_5b")
    assert [p["date"] for p in body["series"]] == [d.isoformat() for d in dates]
    assert body["period"]["trading_days"] == len(dates)


def test_metrics_equal_the_metrics_module(make_client: MakeClient) -> None:
    client = make_client("one")
    body = client.json("/api/performance", {"strategy_id": "v3_5b"})
    series = _series(client, "v3_5b")
    # The whole history starts from the initial capital (10,000 in the manifest), on the
    # first date, as in backtests: the first day's costs and move count.
    first = next(iter(series))
    expected = metrics.summarize([10_000.0, *series.values()], [first, *series])
    assert body["metrics"]["total_return"] == pytest.approx(expected.total_return * 100)
    assert body["metrics"]["max_drawdown"] == pytest.approx(expected.max_drawdown * 100)
    assert body["series"][-1]["drawdown"] == pytest.approx(
        metrics.drawdowns(list(series.values()))[-1] * 100
    )


def test_start_and_end_cut_the_series(make_client: MakeClient) -> None:
    dates = SCENARIOS["one"].dates_of("v3_5b")
    params = {"strategy_id": "v3_5b", "start": dates[2].isoformat(), "end": dates[5].isoformat()}
    body = make_client("one").json("/api/performance", params)
    assert [p["date"] for p in body["series"]] == [d.isoformat() for d in dates[2:6]]


def test_end_before_start_is_422(make_client: MakeClient) -> None:
    params = {"strategy_id": "v3_5b", "start": "2024-06-10", "end": "2024-06-01"}
    assert make_client("one").get("/api/performance", params).status_code == 422


@pytest.mark.parametrize("value", ["0.0", "1700000000", "2024-6-1", "yesterday"])
def test_dates_must_be_written_as_yyyy_mm_dd(make_client: MakeClient, value: str) -> None:
    params = {"strategy_id": "v3_5b", "start": value}
    assert make_client("one").get("/api/performance", params).status_code == 422


def test_unknown_strategy_is_404(make_client: MakeClient) -> None:
    response = make_client("one").get("/api/performance", {"strategy_id": "v9_9"})
    assert response.status_code == 404


def test_compare_uses_only_the_common_dates(make_client: MakeClient) -> None:
    period = make_client("ranges").json("/api/performance/compare", BOTH)["comparison"]["period"]
    assert period == {
        "start_date": COMMON[0].isoformat(),
        "end_date": COMMON[-1].isoformat(),
        "trading_days": len(COMMON),
    }


def test_compare_numbers_equal_the_metrics_module(make_client: MakeClient) -> None:
    client = make_client("ranges")
    comparison = client.json("/api/performance/compare", BOTH)["comparison"]
    for sid in ("v3_5b", "v3_5d"):
        series = _series(client, sid)
        s = metrics.summarize([series[d] for d in COMMON], COMMON)
        got = comparison["strategies"][sid]
        _assert_metrics(got, s)


def _assert_metrics(got: dict[str, Any], s: metrics.Summary) -> None:
    pairs = {
        "total_return": s.total_return * 100,
        "cagr": s.cagr * 100,
        "volatility": s.volatility * 100,
        "sharpe_ratio": s.sharpe,
        "sortino_ratio": s.sortino,
        "max_drawdown": s.max_drawdown * 100,
        "calmar_ratio": s.calmar,
    }
    for name, value in pairs.items():
        if got[name] is None:
            assert value != value or abs(value) == float("inf"), name  # NaN became null
        else:
            assert got[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name


def test_compare_differences_and_winner_follow_the_metrics(make_client: MakeClient) -> None:
    comparison = make_client("ranges").json("/api/performance/compare", BOTH)["comparison"]
    b, d = comparison["strategies"]["v3_5b"], comparison["strategies"]["v3_5d"]
    assert comparison["differences"]["total_return"] == pytest.approx(
        d["total_return"] - b["total_return"]
    )
    ranked = sorted(("v3_5b", "v3_5d"), key=lambda s: comparison["strategies"][s]["sharpe_ratio"])
    assert comparison["winner"] == ranked[-1]


def test_compare_includes_series_on_request(make_client: MakeClient) -> None:
    params = {**BOTH, "include_series": "true"}
    series = make_client("ranges").json("/api/performance/compare", params)["comparison"]["series"]
    assert series["dates"] == [d.isoformat() for d in COMMON]
    assert set(series["equity"]) == {"v3_5b", "v3_5d"}


def test_compare_needs_two_distinct_known_ids(make_client: MakeClient) -> None:
    client = make_client("ranges")
    path = "/api/performance/compare"
    assert client.get(path, {"strategy_ids": ["v3_5b"]}).status_code == 422
    assert client.get(path, {"strategy_ids": ["v3_5b", "v3_5b"]}).status_code == 422
    missing = client.get(path, {"strategy_ids": ["v3_5b", "v9_9"]})
    assert (missing.status_code, missing.json()) == (404, {"detail": "unknown strategy 'v9_9'"})


def test_compare_same_data_is_not_flagged(make_client: MakeClient) -> None:
    comparison = make_client("ranges").json("/api/performance/compare", BOTH)["comparison"]
    assert comparison["data_snapshot_mismatch"] is False
