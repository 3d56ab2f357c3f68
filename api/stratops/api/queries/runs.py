"""Run aggregates for `/metrics`: totals of the rows above an id, and the newest ids.

The lifetime totals are kept by `stratops.api.run_totals`, which asks only
for the rows added since its last settled id: a range of the primary key,
so a scrape reads minutes of rows, never the whole history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select, text, true
from sqlalchemy.orm import Session

from stratops.api.queries.rows import AnyRow
from stratops.core.db import RunFailure, StrategyRun


def newest_ids(session: Session) -> tuple[int, int, bool]:
    """The newest id of the runs and of the failures (0 for an empty table), two probes
    of the primary keys, and whether those ids are final: no lower id can still appear.

    On Postgres that holds when no transaction that may write holds a transaction id
    (each holds a lock on its own id, in `pg_locks`), read after this statement's
    snapshot was taken: a writer running at the snapshot is either still listed, or
    committed and seen by the next statement. The snapshot's own xmin/xmax cannot
    tell, as it does not list transactions newer than the last one completed. SQLite
    has one writer at a time, and ids commit in order, so they always hold."""
    quiet: Any = true()
    if session.get_bind().dialect.name == "postgresql":
        quiet = text("NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'transactionid')")
    query = select(
        select(func.max(StrategyRun.id)).scalar_subquery(),
        select(func.max(RunFailure.id)).scalar_subquery(),
        quiet,
    )
    newest_run, newest_failure, final = session.execute(query).one()
    return int(newest_run or 0), int(newest_failure or 0), bool(final)


def run_totals_after(
    session: Session, after: int, settle: int, bounds: Sequence[float]
) -> list[AnyRow]:
    """Completed runs with an id above `after`, per strategy, result and whether the id
    is at most `settle` (column `settled`): count `n`, duration `total` and the count at
    or below each bound (`le0`, `le1`, ... in the order of `bounds`)."""
    duration = StrategyRun.duration_seconds
    settled = (StrategyRun.id <= settle).label("settled")
    buckets = [
        func.sum(case((duration <= bound, 1), else_=0)).label(f"le{i}")
        for i, bound in enumerate(bounds)
    ]
    query = (
        select(
            StrategyRun.strategy_id,
            StrategyRun.result,
            settled,
            func.count().label("n"),
            func.sum(duration).label("total"),
            *buckets,
        )
        .where(StrategyRun.id > after)
        .group_by(StrategyRun.strategy_id, StrategyRun.result, settled)
    )
    return list(session.execute(query))


def failure_totals_after(session: Session, after: int, settle: int) -> list[AnyRow]:
    """Failed attempts with an id above `after`, per strategy, reason and `settled`."""
    settled = (RunFailure.id <= settle).label("settled")
    query = (
        select(RunFailure.strategy_id, RunFailure.reason, settled, func.count().label("n"))
        .where(RunFailure.id > after)
        .group_by(RunFailure.strategy_id, RunFailure.reason, settled)
    )
    return list(session.execute(query))
