"""Per-strategy lookups that cost one index probe per strategy, whatever the history length.

A ledger of 500 strategies x 20 years holds millions of snapshot and run
rows. "Which strategies exist" and "the latest run of each" must not read
them all: `distinct_ids` skips through the (strategy_id, ...) index one id
at a time (a loose index scan, as a recursive CTE that Postgres and SQLite
both run), and `latest_of` fetches each strategy's newest row with one
descending index probe (LATERAL on Postgres). SQLite has no LATERAL; local
mode's ledgers are small, so there a grouped subquery does the same job.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, and_, func, select, true
from sqlalchemy.orm import InstrumentedAttribute


def distinct_ids(column: InstrumentedAttribute[str], name: str) -> Select[tuple[str]]:
    """The distinct values of an indexed `strategy_id` column (as `sid`), by index probes;
    `name` names the recursive CTE, unique within one statement."""
    first = select(func.min(column)).scalar_subquery()
    walk = select(first.label("sid")).cte(name, recursive=True)
    following = select(func.min(column)).where(column > walk.c.sid).scalar_subquery()
    walk = walk.union_all(
        select(following.label("sid")).select_from(walk).where(walk.c.sid.is_not(None))
    )
    return select(walk.c.sid).where(walk.c.sid.is_not(None))


def latest_of(
    dialect: str,
    sid: ColumnElement[str],
    key: InstrumentedAttribute[str],
    order: InstrumentedAttribute[Any],
    columns: Sequence[ColumnElement[Any]],
) -> tuple[FromClause, ColumnElement[bool]]:
    """The newest row (by `order`) whose `key` equals `sid`, as a FROM item and its ON clause.

    Outer-join the result to the query that provides `sid`: its columns are
    `columns`, labelled as given, and all null for a strategy without rows.
    """
    if dialect == "postgresql":
        newest = select(*columns).where(key == sid).order_by(order.desc()).limit(1).lateral()
        return newest, true()
    last = select(key.label("k"), func.max(order).label("o")).group_by(key).subquery()
    rows = (
        select(*columns, key.label("latest_key"))
        .join(last, and_(key == last.c.k, order == last.c.o))
        .subquery()
    )
    return rows, rows.c.latest_key == sid
