"""Daily series as columns, fetched at C speed on Postgres.

Turning ten thousand result rows into Python objects and back into columns
costs more than the query itself. On Postgres each strategy's series comes
back as one row of arrays (`array_agg` in date order, the rows read by an
index-only scan) through a psycopg cursor in binary mode on the session's own
connection (same transaction, same read-only settings): the arrays are parsed
in C into lists, with no per-row Python at all. SQLite (local mode, small
ledgers) keeps the ordinary row path, which also applies its type conversions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import groupby, pairwise
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import func

from stratops.api.queries.snapshots import Snap, series_query
from stratops.core.db import BacktestPoint

SERIES_FIELDS = ("dates", "equity", "baseline", "cell", "trend", "vol", "snapshot_ids")
Columns = tuple[Sequence[Any], ...]
"""One strategy's series: a sequence per name in SERIES_FIELDS, ascending by date."""

_COLUMNS = (
    Snap.snapshot_date,
    Snap.total_equity,
    Snap.baseline_value,
    Snap.strategy_cell,
    Snap.trend_state,
    Snap.vol_state,
    Snap.data_snapshot_id,
)

BACKTEST_FIELDS = ("date", "portfolio_value", "baseline_value", "cell", "trend", "vol")
_BACKTEST_COLUMNS = (
    BacktestPoint.date,
    BacktestPoint.portfolio_value,
    BacktestPoint.baseline_value,
    BacktestPoint.cell,
    BacktestPoint.trend,
    BacktestPoint.vol,
)


def series_columns(
    session: Session,
    strategy_ids: Sequence[str],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Columns]:
    """The series of each strategy that has snapshots in the range, by id."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        rows = connection.execute(series_query(strategy_ids, start, end))
        return {
            sid: tuple(zip(*(row[1:] for row in group), strict=True))
            for sid, group in groupby(rows, lambda row: row[0])
        }
    arrays = _binary_rows(session, _arrays_query(series_query(strategy_ids, start, end)))
    return {row[0]: _in_date_order(tuple(row[1:])) for row in arrays}


def backtest_columns(session: Session, backtest_id: int) -> Columns:
    """A stored backtest's points as columns in date order (BACKTEST_FIELDS): one row of
    arrays on Postgres, the ordinary rows elsewhere."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        rows = connection.execute(backtest_points_query(backtest_id)).all()
        return tuple(zip(*rows, strict=True)) if rows else ((),) * len(BACKTEST_FIELDS)
    ordered = backtest_points_query(backtest_id).subquery("ordered")  # see _arrays_query
    found = _binary_rows(session, select(*(func.array_agg(c) for c in ordered.c)))
    row = found[0] if found else None
    if row is None or row[0] is None:  # array_agg over no rows is one row of nulls
        return ((),) * len(BACKTEST_FIELDS)
    return _in_date_order(tuple(row))


def _binary_rows(session: Session, query: Select[*tuple[Any, ...]]) -> list[Any]:
    """`query`'s rows through a binary psycopg cursor on the session's own connection."""
    connection = session.connection()
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    raw: Any = connection.connection.dbapi_connection
    with raw.cursor(binary=True) as cursor:
        cursor.execute(compiled.string, compiled.params)
        return list(cursor.fetchall())


def backtest_points_query(backtest_id: int) -> Select[*tuple[Any, ...]]:
    """A stored backtest's points in date order (columns BACKTEST_FIELDS)."""
    query: Select[*tuple[Any, ...]] = select(*_BACKTEST_COLUMNS)
    return query.where(BacktestPoint.backtest_run_id == backtest_id).order_by(BacktestPoint.date)


def _arrays_query(rows: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """One row per strategy: each column of `rows` (already ordered by strategy and date)
    aggregated into an array.

    Postgres 15 sorts the input of every `array_agg(... ORDER BY date)` on its own,
    seven sorts per strategy although the index delivers the rows in date order;
    aggregating the ordered subquery instead keeps the index order and costs a
    third. SQL does not promise that order, so `_in_date_order` checks it."""
    ordered = rows.subquery("ordered")
    arrays = [func.array_agg(ordered.c[c.name]) for c in _COLUMNS]
    query: Select[*tuple[Any, ...]] = select(ordered.c.strategy_id, *arrays)
    return query.group_by(ordered.c.strategy_id)


def _in_date_order(columns: Columns) -> Columns:
    """The columns as given when the dates ascend (they do, from the ordered subquery),
    else reordered by date."""
    dates = columns[0]
    if all(a < b for a, b in pairwise(dates)):
        return columns
    order = sorted(range(len(dates)), key=dates.__getitem__)
    return tuple([column[i] for i in order] for column in columns)
