"""Filling the stratops ledger from the legacy tables, inside the adoption's transaction.

The legacy tables stay as they are (the rollback needs them, and nothing is
lost); the stratops `performance_snapshots` and `trades` get derived rows
that the read API and the runner use like any others (`run_id` NULL: no
stratops run wrote them).
"""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import Connection, func, insert, select, text

from stratops.core.db.models import PerformanceSnapshot, Trade
from stratops.migrations.legacy.adoption.layout import MOVED_AS
from stratops.migrations.legacy.adoption.ledger import (
    PAPER_MODE,
    Row,
    daily_snapshots,
    instant,
    paper_trade,
    trade_rows,
)

SNAPSHOT_COLUMNS = (
    "id, strategy_id, timestamp, total_equity, cash, positions_value, daily_return, "
    "cumulative_return, drawdown, strategy_cell, trend_state, vol_state, t_norm, z_score, "
    "positions_json, baseline_value, baseline_return, created_at"
)
TRADE_COLUMNS = (
    "id, strategy_id, timestamp, symbol, action, quantity, target_price, fill_price, "
    "fill_value, reason, created_at"
)


def copy_ledger(connection: Connection) -> tuple[int, int]:
    """Insert the derived rows; returns the highest stratops ids written (0 when none)."""
    trades = [paper_trade(r) for r in _paper_rows(connection, "live_trades", TRADE_COLUMNS)]
    trades.sort(key=lambda t: (t.strategy_id, t.instant, t.id))
    snapshots = _paper_rows(connection, MOVED_AS, SNAPSHOT_COLUMNS)
    snapshots.sort(key=lambda r: (r["strategy_id"], instant(r["timestamp"]), r["id"]))
    by_strategy = {sid: list(g) for sid, g in groupby(trades, key=lambda t: t.strategy_id)}
    daily: list[Row] = []
    for sid, rows in groupby(snapshots, key=lambda r: str(r["strategy_id"])):
        daily += daily_snapshots(list(rows), by_strategy.get(sid, []))
    _insert(connection, PerformanceSnapshot.__table__, daily)
    _insert(connection, Trade.__table__, trade_rows(trades))
    return _max_id(connection, PerformanceSnapshot), _max_id(connection, Trade)


def _paper_rows(connection: Connection, table: str, columns: str) -> list[Row]:
    rows = connection.execute(
        text(f"SELECT {columns} FROM {table} WHERE mode = :mode ORDER BY id"), {"mode": PAPER_MODE}
    )
    return [dict(r._mapping) for r in rows]


def _insert(connection: Connection, table: object, rows: list[Row]) -> None:
    if rows:
        connection.execute(insert(table), rows)  # type: ignore[arg-type]


def _max_id(connection: Connection, model: type[PerformanceSnapshot] | type[Trade]) -> int:
    return int(connection.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one())
