"""The pure rules of adopting a legacy ledger: trading days, the day's snapshot, cash, trades."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from stratops.core.errors import UserError
from stratops.migrations.legacy.adoption.layout import renamed_index_sql
from stratops.migrations.legacy.adoption.ledger import (
    LegacyTrade,
    daily_snapshots,
    instant,
    paper_trade,
    trade_rows,
    trading_day,
)

UTC = dt.UTC


def snapshot(id_: int, at: str, equity: float, cash: Any, held: Any = None) -> dict[str, Any]:
    return {
        "id": id_, "strategy_id": "v3_5b", "timestamp": at, "total_equity": equity,
        "cash": cash, "positions_value": held, "daily_return": Decimal("0.001"),
        "cumulative_return": None, "drawdown": None, "strategy_cell": 3,
        "trend_state": "Sideways", "vol_state": "Low", "t_norm": None, "z_score": None,
        "positions_json": "{}", "baseline_value": None, "baseline_return": None,
        "created_at": None,
    }  # fmt: skip


def fill(at: dt.datetime, action: str, value: float) -> LegacyTrade:
    return LegacyTrade(1, "v3_5b", at, "TQQQ", action, 2, value / 2, value, value / 2, None, None)


def test_a_naive_sqlite_timestamp_is_utc_wall_time() -> None:
    assert instant("2025-12-30 00:40:00.000000") == dt.datetime(2025, 12, 30, 0, 40, tzinfo=UTC)
    aware = dt.datetime(2025, 12, 29, 19, 40, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert instant(aware) == dt.datetime(2025, 12, 30, 0, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        ("2025-12-30 00:40:00", dt.date(2025, 12, 29)),  # 19:40 New York, winter
        ("2025-07-01 23:40:00", dt.date(2025, 7, 1)),  # 19:40 New York, summer
        ("2025-07-02 04:30:00", dt.date(2025, 7, 2)),  # 00:30 New York
    ],
)
def test_the_trading_day_is_the_new_york_date(utc: str, day: dt.date) -> None:
    assert trading_day(instant(utc)) == day


def test_the_day_keeps_its_latest_snapshot_even_after_midnight_utc() -> None:
    rows = [
        snapshot(1, "2025-12-29 14:45:00", 100.0, 10.0, 90.0),
        snapshot(2, "2025-12-29 21:15:00", 101.0, 10.0, 91.0),
        snapshot(3, "2025-12-30 00:40:00", 102.0, 10.0, 92.0),  # evening refresh
        snapshot(4, "2025-12-30 14:45:00", 103.0, 10.0, 93.0),
    ]
    days = daily_snapshots(rows, [])
    assert [(d["snapshot_date"], d["total_equity"]) for d in days] == [
        (dt.date(2025, 12, 29), 102.0),
        (dt.date(2025, 12, 30), 103.0),
    ]
    assert days[0]["timestamp"] == dt.datetime(2025, 12, 30, 0, 40, tzinfo=UTC)
    assert days[0]["mode"] == "paper"
    assert days[0]["daily_return"] == pytest.approx(0.001)


def test_null_cash_is_equity_minus_the_positions_value() -> None:
    days = daily_snapshots([snapshot(1, "2025-12-29 21:15:00", 100.5, None, "90.25")], [])
    assert (days[0]["cash"], days[0]["positions_value"]) == (10.25, 90.25)


def test_null_cash_and_value_carry_the_last_cash_moved_by_the_fills_between() -> None:
    rows = [
        snapshot(1, "2025-12-26 14:45:00", 1000.0, 300.0, 700.0),
        snapshot(2, "2025-12-26 21:15:00", 1004.0, None, None),
    ]
    fills = [  # the first one is older than the known cash, which already holds it
        fill(dt.datetime(2025, 12, 26, 14, 40, tzinfo=UTC), "BUY", 50.0),
        fill(dt.datetime(2025, 12, 26, 14, 50, tzinfo=UTC), "BUY", 110.0),
        fill(dt.datetime(2025, 12, 26, 15, 0, tzinfo=UTC), "SELL", 10.0),
        fill(dt.datetime(2025, 12, 26, 22, 0, tzinfo=UTC), "SELL", 99.0),  # after
    ]
    (day,) = daily_snapshots(rows, fills)
    assert day["cash"] == 200.0
    assert day["positions_value"] == 804.0


def test_a_first_snapshot_without_cash_or_value_is_refused_by_id() -> None:
    with pytest.raises(UserError, match=r"performance_snapshots id 7 .*no earlier snapshot"):
        daily_snapshots([snapshot(7, "2025-12-26 14:45:00", 1000.0, None, None)], [])


def trade(**changes: Any) -> dict[str, Any]:
    row = {
        "id": 4, "strategy_id": "v3_5b", "timestamp": "2025-12-22 14:46:00", "symbol": "TQQQ",
        "action": "buy", "quantity": 36, "target_price": Decimal("50.000000"),
        "fill_price": Decimal("50.025000"), "fill_value": None, "reason": "Rebalance",
        "created_at": None,
    }  # fmt: skip
    return {**row, **changes}


def test_a_paper_trade_becomes_a_stratops_trade() -> None:
    (row,) = trade_rows([paper_trade(trade())])
    assert row["action"] == "BUY"
    assert row["trade_date"] == dt.date(2025, 12, 22)
    assert row["price"] == 50.025
    assert row["value"] == pytest.approx(36 * 50.025)
    assert row["slippage"] == pytest.approx(0.9)  # 2.5 cents a share paid over the target
    assert row["created_at"] == row["timestamp"]
    assert row["mode"] == "paper"


def test_an_unfilled_price_falls_back_to_the_target() -> None:
    (row,) = trade_rows([paper_trade(trade(fill_price=None, action="SELL"))])
    assert (row["price"], row["slippage"]) == (50.0, 0.0)


def test_an_action_stratops_cannot_record_is_refused_by_id() -> None:
    with pytest.raises(UserError, match="live_trades id 4: action 'HOLD' is not BUY or SELL"):
        paper_trade(trade(action="HOLD"))


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            'CREATE INDEX ix_performance_snapshots_timestamp ON "legacy_performance_snapshots" '
            "(timestamp)",
            'CREATE INDEX "legacy_ix_performance_snapshots_timestamp" ON '
            '"legacy_performance_snapshots" (timestamp)',
        ),
        (
            'CREATE UNIQUE INDEX "idx_x" ON t (a)',
            'CREATE UNIQUE INDEX "legacy_idx_x" ON t (a)',
        ),
    ],
)
def test_a_sqlite_index_is_recreated_under_its_new_name(sql: str, expected: str) -> None:
    old = "idx_x" if "idx_x" in sql else "ix_performance_snapshots_timestamp"
    assert renamed_index_sql(sql, old, "legacy_" + old) == expected
