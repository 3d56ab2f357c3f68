"""The comparison: common dates only, differences against the first id, winner rule."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from stratops.api.analytics import DailySeries
from stratops.api.compare import compare
from stratops.core import performance_metrics as metrics

D0, D1, D2, D3, D4, D5 = (dt.date(2024, 1, day) for day in (1, 2, 3, 4, 5, 8))
SQRT21 = math.sqrt(21.0)


def _series(
    sid: str,
    dates: list[dt.date],
    equity: list[float],
    snapshot: str | None = "snap-1",
    baseline: list[float | None] | None = None,
) -> DailySeries:
    return DailySeries(
        strategy_id=sid,
        dates=dates,
        equity=equity,
        baseline=baseline if baseline is not None else [None] * len(dates),
        snapshot_ids=[snapshot] * len(dates),
        current_regime="Cell_3",
    )


# On the common dates D1..D4, A moves +10 %, -10 %, +10 % and B +2 %, -1 %, +2 %.
# Outside them A has a first day at 50 and B a last day at 1: both would change
# every metric if they were (wrongly) included.
A = _series("a", [D0, D1, D2, D3, D4], [50.0, 100.0, 110.0, 99.0, 108.9])
B = _series("b", [D1, D2, D3, D4, D5], [100.0, 102.0, 100.98, 102.9996, 1.0])


def test_uses_only_the_common_dates() -> None:
    result = compare([A, B], rf=0.0)
    assert result.period.model_dump() == {"start_date": D1, "end_date": D4, "trading_days": 4}


def test_hand_computed_metrics_differences_and_winner() -> None:
    # Returns of A: mean 1/30, stdev 1/sqrt(75) -> Sharpe = sqrt(252)/(2*sqrt(3)) = sqrt(21).
    # Returns of B: mean 1/100, stdev sqrt(3)/100 -> Sharpe = 2*sqrt(21).
    result = compare([A, B], rf=0.0)
    a, b = result.strategies["a"], result.strategies["b"]
    assert a.total_return == pytest.approx(8.9)
    assert b.total_return == pytest.approx(2.9996)
    assert a.sharpe_ratio == pytest.approx(SQRT21)
    assert b.sharpe_ratio == pytest.approx(2 * SQRT21)
    assert a.max_drawdown == pytest.approx(-10.0)
    assert b.max_drawdown == pytest.approx(-1.0)
    assert result.differences is not None
    assert result.differences["total_return"] == pytest.approx(2.9996 - 8.9)
    assert result.differences["sharpe_ratio"] == pytest.approx(SQRT21)
    assert result.differences["max_drawdown"] == pytest.approx(9.0)
    assert result.winner == "b"


def test_numbers_are_the_metrics_module_in_percent() -> None:
    result = compare([A, B], rf=0.02)
    s = metrics.summarize([100.0, 110.0, 99.0, 108.9], [D1, D2, D3, D4], risk_free_rate=0.02)
    a = result.strategies["a"]
    assert a.cagr == pytest.approx(s.cagr * 100)
    assert a.volatility == pytest.approx(s.volatility * 100)
    assert a.sharpe_ratio == pytest.approx(s.sharpe)
    assert a.sortino_ratio == pytest.approx(s.sortino)
    assert a.calmar_ratio == pytest.approx(s.calmar)


def test_equal_sharpe_is_decided_by_cagr() -> None:
    # C doubles every return of A: the same Sharpe ratio, a higher CAGR.
    c = _series("c", [D1, D2, D3, D4], [100.0, 120.0, 96.0, 115.2])
    result = compare([A, c], rf=0.0)
    assert result.strategies["a"].sharpe_ratio == pytest.approx(result.strategies["c"].sharpe_ratio)
    assert result.winner == "c"


def test_identical_curves_have_no_winner() -> None:
    twin = _series("twin", list(A.dates), list(A.equity))
    assert compare([A, twin], rf=0.0).winner is None


def test_three_strategies_differ_from_the_first_id() -> None:
    c = _series("c", [D1, D2, D3, D4], [100.0, 120.0, 96.0, 115.2])
    result = compare([B, A, c], rf=0.0)
    assert set(result.differences_by_strategy) == {"a", "c"}
    assert result.differences == result.differences_by_strategy["a"]
    assert result.differences_by_strategy["c"]["total_return"] == pytest.approx(15.2 - 2.9996)
    assert result.winner == "b"


def test_no_common_dates_gives_empty_period_and_no_winner() -> None:
    late = _series("late", [D5], [100.0])
    result = compare([A, late], rf=0.0)
    assert result.period.trading_days == 0
    assert result.strategies["a"].total_return is None
    assert result.winner is None


def test_flags_different_data_snapshots_on_common_dates() -> None:
    other = DailySeries(
        "b", B.dates, B.equity, B.baseline, ["snap-1", "snap-2", *["snap-1"] * 3], "Cell_1"
    )
    result = compare([A, other], rf=0.0)
    assert result.data_snapshot_mismatch is True
    assert (result.mismatched_dates, result.first_mismatched_date) == (1, D2)
    assert compare([A, B], rf=0.0).data_snapshot_mismatch is False


def test_series_on_common_dates_with_the_first_baseline() -> None:
    base = _series("a", A.dates, A.equity, baseline=[1.0, 100.0, 101.0, None, 103.0])
    result = compare([base, B], rf=0.0, include_series=True)
    assert result.series is not None
    assert result.series.dates == [D1, D2, D3, D4]
    assert result.series.equity["b"] == [100.0, 102.0, 100.98, 102.9996]
    assert result.series.baseline == [100.0, 101.0, None, 103.0]
    assert result.baseline is not None
    assert result.baseline.total_return == pytest.approx(3.0)
