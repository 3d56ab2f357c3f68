"""`stratops promote-check` on constructed paper-trading histories, exactly at the limits.

Histories are written through the ORM (performance_snapshots rows), not by
the runner: the runner's equity comes from the strategy and the market data,
so it cannot be steered to a chosen Sharpe ratio or drawdown, and the point
here is the policy at its edges. The comparison itself is the API's compare
logic, tested against hand-computed values in tests/unit/api.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pytest
from sqlalchemy import Engine

from stratops.core.cli import main
from stratops.core.db import PerformanceSnapshot, UnitOfWork

pytestmark = pytest.mark.db

START = dt.date(2024, 1, 1)
SNAPSHOT = "snap-2024"


def days(n: int, offset: int = 0) -> list[dt.date]:
    """`n` consecutive weekdays from the `offset`-th weekday after START."""
    out, day = [], START
    while len(out) < n + offset:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out[offset:]


def curve(returns: Sequence[float], start: float = 10_000.0) -> list[float]:
    values = [start]
    for r in returns:
        values.append(values[-1] * (1.0 + r))
    return values


def zigzag(n: int, scale: float = 1.0) -> list[float]:
    """A curve of n points with a known, non-flat pattern of daily returns."""
    return curve([scale * (0.004 if i % 3 else -0.006) for i in range(n - 1)])


def write(
    engine: Engine,
    strategy_id: str,
    dates: Sequence[dt.date],
    equity: Sequence[float],
    snapshots: Sequence[str | None] | None = None,
) -> None:
    ids = snapshots or [SNAPSHOT] * len(dates)
    with UnitOfWork(engine) as session:
        for day, value, snap in zip(dates, equity, ids, strict=True):
            session.add(
                PerformanceSnapshot(
                    strategy_id=strategy_id,
                    snapshot_date=day,
                    timestamp=dt.datetime.combine(day, dt.time(21), dt.UTC),
                    total_equity=value,
                    cash=value,
                    positions_value=0.0,
                    data_snapshot_id=snap,
                )
            )


def check(url: str, *flags: str) -> int:
    base = ["promote-check", "--candidate", "v3_5d", "--current", "v3_5b", "--db", url]
    return main([*base, *flags])


def verdict(url: str, capsys: pytest.CaptureFixture[str], *flags: str) -> dict[str, object]:
    capsys.readouterr()
    check(url, "--json", *flags)
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def checks(result: dict[str, object]) -> dict[str, bool]:
    items = result["checks"]
    assert isinstance(items, list)
    return {c["name"]: c["passed"] for c in items}


def test_exactly_min_days_of_common_dates_pass_one_fewer_fails(
    db_engine: Engine, migrated_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(db_engine, "v3_5b", days(60, offset=10), zigzag(60))
    write(db_engine, "v3_5d", days(70), zigzag(70))  # 10 dates before v3_5b started
    assert check(migrated_db_url, "--min-days", "60") == 0
    assert check(migrated_db_url, "--min-days", "61") == 1
    report = capsys.readouterr().out
    assert "[FAIL] days: 60 common dates < 61" in report
    assert "[PASS] sharpe" in report


def test_sharpe_delta_exactly_at_the_limit_passes_and_just_above_fails(
    db_engine: Engine, migrated_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    dates = days(80)
    write(db_engine, "v3_5b", dates, zigzag(80))
    better = curve([0.005 if i % 3 else -0.006 for i in range(79)])
    write(db_engine, "v3_5d", dates, better)
    comparison = verdict(migrated_db_url, capsys)["comparison"]
    assert isinstance(comparison, dict)
    delta = comparison["differences"]["sharpe_ratio"]
    assert delta > 0
    assert check(migrated_db_url, "--min-sharpe-delta", repr(delta)) == 0
    assert check(migrated_db_url, "--min-sharpe-delta", repr(delta + 1e-6)) == 1
    assert "[FAIL] sharpe" in capsys.readouterr().out


def test_equal_sharpe_meets_the_default_zero_delta(
    db_engine: Engine, migrated_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    dates = days(80)
    write(db_engine, "v3_5b", dates, zigzag(80))
    write(db_engine, "v3_5d", dates, zigzag(80, scale=1.5))  # scaled returns: same Sharpe
    result = verdict(migrated_db_url, capsys, "--max-drawdown-worse-pct", "100")
    assert checks(result)["sharpe"] is True
    assert check(migrated_db_url, "--min-sharpe-delta", "0.0001") == 1


def drawdown_curve(trough: float, n: int = 70) -> list[float]:
    """Up 5 %, down to `trough` times that peak, then back above it: one drawdown."""
    values = [10_000.0, 10_500.0, 10_500.0 * trough]
    values += [10_600.0 + 10.0 * i for i in range(n - 3)]
    return values


def test_drawdown_exactly_the_allowed_points_deeper_passes_deeper_fails(
    db_engine: Engine, migrated_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    dates = days(70)
    write(db_engine, "v3_5b", dates, drawdown_curve(0.92))  # max drawdown -8 %
    write(db_engine, "v3_5d", dates, drawdown_curve(0.90))  # -10 %: 2 points deeper
    lenient = ("--min-sharpe-delta", "-100")
    result = verdict(migrated_db_url, capsys, *lenient)
    strategies = result["comparison"]["strategies"]  # type: ignore[index]
    assert strategies["v3_5b"]["max_drawdown"] == pytest.approx(-8.0)
    assert strategies["v3_5d"]["max_drawdown"] == pytest.approx(-10.0)
    assert checks(result)["drawdown"] is True  # default limit: 2.0 points
    assert check(migrated_db_url, *lenient, "--max-drawdown-worse-pct", "2") == 0
    assert check(migrated_db_url, *lenient, "--max-drawdown-worse-pct", "1.999999") == 1
    assert "[FAIL] drawdown: +2.00 pp deeper" in capsys.readouterr().out


def test_different_market_data_on_a_common_date_fails_unless_allowed(
    db_engine: Engine, migrated_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    dates = days(60)
    write(db_engine, "v3_5b", dates, zigzag(60))
    other = [SNAPSHOT] * 59 + ["snap-other"]
    write(db_engine, "v3_5d", dates, zigzag(60), snapshots=other)
    assert check(migrated_db_url) == 1
    assert f"[FAIL] data: different market data on 1 common date(s), first {dates[-1]}" in (
        capsys.readouterr().out
    )
    assert check(migrated_db_url, "--allow-data-mismatch") == 0


def test_report_shows_days_sharpe_cagr_drawdown_side_by_side(
    db_engine: Engine, migrated_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    dates = days(60)
    write(db_engine, "v3_5b", dates, zigzag(60))
    write(db_engine, "v3_5d", dates, zigzag(60))
    capsys.readouterr()
    assert check(migrated_db_url) == 0
    report = capsys.readouterr().out.splitlines()
    assert report[0] == "promote-check v3_5d over v3_5b: PASS"
    assert report[1] == f"common paper-trading dates: {dates[0]} .. {dates[-1]} (60 days)"
    labels = [line.split("  ")[0] for line in report[3:7]]
    assert labels == ["Sharpe ratio", "CAGR %", "max drawdown %", "total return %"]
    assert all(line.endswith("+0.0000") or line.endswith("+0.00") for line in report[3:7])


def test_unknown_strategy_cannot_be_checked(
    db_engine: Engine, migrated_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(db_engine, "v3_5b", days(5), zigzag(5))
    assert check(migrated_db_url) == 2
    assert capsys.readouterr().err == "stratops: error: unknown strategy 'v3_5d'\n"
