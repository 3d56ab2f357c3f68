"""Writing research rows so that writing them twice changes nothing.

Every insert is `ON CONFLICT DO NOTHING` on the row's natural key (both
SQLite and Postgres speak it), so concurrent pods of one sweep, a restarted
pod or a re-run index can all write freely: the first row wins and is the
same as any later one would have been.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from stratops.core import db
from stratops.core.db import ConfigBacktest, Sweep, SweepResult, UnitOfWork
from stratops.core.errors import UserError
from stratops.core.research.spec import StrategySweepSpec
from stratops.core.resource import TradingStrategySpec

if TYPE_CHECKING:  # the engine loads only where a set is computed
    from stratops.core.research.compute import SetResult
    from stratops.core.research.plan import SweepPlan


@dataclass(frozen=True)
class SetFailure:
    """A set whose backtest raised an expected error (kept as its row, with the reason)."""

    index: int
    overrides: dict[str, Any]
    error: str


def inputs_hash(spec: StrategySweepSpec, base: TradingStrategySpec) -> str:
    """Identity of a sweep's inputs: its spec and the base strategy spec it runs on."""
    doc = {
        "sweep": spec.model_dump(mode="json", by_alias=True),
        "base": base.model_dump(mode="json", by_alias=True),
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def require_schema(engine: Engine) -> None:
    if not db.is_at_head(engine):  # Alembic loads on this first use, not at import
        raise UserError("database schema is not current: run `stratops db upgrade --db URL`")


def _insert_ignoring_duplicates(
    session: Session, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(table).values(list(rows)).on_conflict_do_nothing())


def ensure_sweep(engine: Engine, plan: SweepPlan) -> int:
    """The id of the sweep row of the plan's inputs, created by whoever comes first (the
    operator or a sweep Job's first pod)."""
    spec, base = plan.sweep.spec, plan.base.spec
    key = {
        "namespace": plan.namespace,
        "name": plan.sweep.name,
        "inputs_hash": inputs_hash(spec, base),
    }
    row = {
        **key,
        "base_strategy": plan.base.name,
        "strategy_id": base.strategy_id,
        "strategy_class": base.strategy_class,
        "total_sets": len(plan.sets),
        "rank_by": spec.rank_by,
        "rank_on": spec.rank_on,
        "spec": spec.model_dump(mode="json", by_alias=True),
        "base_spec": base.model_dump(mode="json", by_alias=True),
    }
    with UnitOfWork(engine) as session:
        _insert_ignoring_duplicates(session, Sweep.__table__, [row])  # type: ignore[arg-type]
    with UnitOfWork(engine) as session:
        return session.scalars(select(Sweep.id).filter_by(**key)).one()


def result_row(sweep_id: int, result: SetResult, spec: StrategySweepSpec) -> dict[str, Any]:
    oos = result.out_of_sample
    return {
        "sweep_id": sweep_id,
        "set_index": result.index,
        "parameters": dict(result.overrides),
        "params_hash": result.params_hash,
        "data_snapshot_id": result.data_snapshot_id,
        "in_sample": result.in_sample.to_json(),
        "out_of_sample": oos.to_json() if oos is not None else None,
        "score": result.score(spec.rank_by, spec.rank_on),
        "error": None,
    }


def failure_row(sweep_id: int, failure: SetFailure) -> dict[str, Any]:
    return {
        "sweep_id": sweep_id,
        "set_index": failure.index,
        "parameters": failure.overrides,
        "params_hash": None,
        "data_snapshot_id": None,
        "in_sample": None,
        "out_of_sample": None,
        "score": None,
        "error": failure.error,
    }


def store_rows(engine: Engine, rows: Iterable[dict[str, Any]]) -> None:
    """Result or failure rows of one sweep; rows whose set is already stored are skipped."""
    with UnitOfWork(engine) as session:
        _insert_ignoring_duplicates(session, SweepResult.__table__, list(rows))  # type: ignore[arg-type]


def stored_indexes(engine: Engine, sweep_id: int) -> set[int]:
    """Set indexes that already have a row: a re-run skips them instead of recomputing."""
    with UnitOfWork(engine) as session:
        query = select(SweepResult.set_index).filter_by(sweep_id=sweep_id)
        return set(session.scalars(query))


def store_config_backtest(
    engine: Engine,
    strategy_id: str,
    config_hash: str,
    data_snapshot_id: str,
    period: tuple[dt.date, dt.date],
    metrics: dict[str, Any],
    job_name: str | None,
) -> None:
    """The backtest of one configuration on one snapshot; a second write is a no-op."""
    row = {
        "strategy_id": strategy_id,
        "config_hash": config_hash,
        "data_snapshot_id": data_snapshot_id,
        "start_date": period[0],
        "end_date": period[1],
        "metrics": metrics,
        "job_name": job_name,
    }
    with UnitOfWork(engine) as session:
        _insert_ignoring_duplicates(session, ConfigBacktest.__table__, [row])  # type: ignore[arg-type]
