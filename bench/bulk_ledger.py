"""A research-sized ledger written with Postgres COPY: the rows `bench/api.py` reads.

Each strategy gets one configuration, one snapshot and one completed run per
NYSE session (random-walk equity, a shared QQQ-like baseline), written in
date order across strategies the way daily runners write them, so one
strategy's rows are spread over the table as in production. COPY moves
millions of rows in seconds where row-by-row inserts take minutes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, insert, text

from stratops.core.db import StrategyConfig
from stratops.core.marketdata import calendar

SNAPSHOT_COLUMNS = (
    "strategy_id, snapshot_date, timestamp, total_equity, cash, positions_value, "
    "baseline_value, strategy_cell, trend_state, vol_state, data_snapshot_id"
)
RUN_COLUMNS = (
    "strategy_id, trade_date, run_id, result, state, equity, cash, cell, trend, vol, "
    "data_snapshot_id, params_hash, code_version, started_at, finished_at, duration_seconds"
)
TRENDS = ("BullStrong", "Sideways", "BearStrong")
VOLS = ("Low", "High")
DAYS_PER_CHUNK = 50


def strategy_id(i: int) -> str:
    return f"s{i:03d}"


def sessions(years: int) -> list[dt.date]:
    end = calendar.previous_session("2025-12-31")
    return [d.date() for d in calendar.sessions(end.replace(year=end.year - years), end)]


def fill(engine: Engine, strategies: int, years: int) -> int:
    """Write the ledger; returns the number of sessions per strategy."""
    days = sessions(years)
    rng = np.random.default_rng(7)
    baseline = 10000 * np.cumprod(1 + rng.normal(0.0004, 0.012, len(days)))
    returns = rng.normal(0.0005, 0.015, (len(days), strategies))
    equity = 10000 * np.cumprod(1 + returns, axis=0)
    with engine.begin() as conn:
        conn.execute(insert(StrategyConfig), [_config(i) for i in range(strategies)])
        # Empty tables truncated in this transaction can take COPY FREEZE (rows written
        # frozen and all-visible, no vacuum needed); plain indexes are built once at the
        # end instead of row by row.
        conn.execute(text("TRUNCATE performance_snapshots, strategy_runs CASCADE"))
        indexes = _plain_indexes(conn, ("performance_snapshots", "strategy_runs"))
        for name in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        for start in range(0, len(days), DAYS_PER_CHUNK):
            chunk = range(start, min(start + DAYS_PER_CHUNK, len(days)))
            snaps, runs = _chunk(days, chunk, equity, baseline)
            copy = "COPY {} ({}) FROM STDIN WITH (FREEZE)"
            with cursor.copy(copy.format("performance_snapshots", SNAPSHOT_COLUMNS)) as cp:
                cp.write(snaps)
            with cursor.copy(copy.format("strategy_runs", RUN_COLUMNS)) as cp:
                cp.write(runs)
        for definition in indexes.values():
            conn.execute(text(definition))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE performance_snapshots, strategy_runs, strategy_configs"))
    return len(days)


def _plain_indexes(conn: Connection, tables: tuple[str, ...]) -> dict[str, str]:
    """Name -> CREATE INDEX statement of the indexes on `tables` that back no constraint."""
    rows = conn.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:tables) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        ),
        {"tables": list(tables)},
    )
    return {name: definition for name, definition in rows}


def _config(i: int) -> dict[str, Any]:
    return {
        "strategy_id": strategy_id(i),
        "display_name": f"Strategy {i:03d}",
        "strategy_class": "Hierarchical_Adaptive_v3_5b",
        "is_primary": i == 0,
        "is_active": True,
        "parameters": {},
        "spec": {"execution": {"timing": "open"}},
    }


def _chunk(days: list[dt.date], chunk: range, equity: Any, baseline: Any) -> tuple[bytes, bytes]:
    """COPY text of the snapshots and runs of the days in `chunk`, all strategies."""
    snaps, runs = io.StringIO(), io.StringIO()
    for d in chunk:
        day = days[d]
        stamp = f"{day.isoformat()} 13:45:00+00"
        done = f"{day.isoformat()} 13:45:02+00"
        data_id = f"snap-{day.isoformat()}"
        base = float(baseline[d])
        cell = 1 + (day.toordinal() // 17) % 6
        trend, vol = TRENDS[(cell - 1) // 2], VOLS[(cell - 1) % 2]
        for i, value in enumerate(equity[d].tolist()):
            sid = strategy_id(i)
            snaps.write(
                f"{sid}\t{day}\t{stamp}\t{value}\t0\t{value}\t{base}\t{cell}\t{trend}\t{vol}"
                f"\t{data_id}\n"
            )
            run_id = f"{d:08x}-0000-4000-8000-{i:012x}"
            runs.write(
                f"{sid}\t{day}\t{run_id}\tno_change\t{_state(value)}\t{value}\t0\t{cell}"
                f"\t{trend}\t{vol}\t{data_id}\tbench\tbench\t{stamp}\t{done}\t2.0\n"
            )
    return snaps.getvalue().encode(), runs.getvalue().encode()


def _state(equity: float) -> str:
    return json.dumps({"cash": 0.0, "current_positions": {"QQQ": 10}, "equity": equity})


def ids(strategies: int) -> Iterator[str]:
    return (strategy_id(i) for i in range(strategies))
