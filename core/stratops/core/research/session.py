"""One sweep against one database: its row, its sets, and what the CLI reports.

The edge between the pure parts (plan, compute) and I/O (market data, the
ledger). Rows are written as results arrive, in small batches, so an
interrupted local run keeps what it finished and a re-run skips those sets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from stratops.core.db import create_engine_for, describe, upgrade_to_head
from stratops.core.errors import UserError
from stratops.core.research import fanout, results, store
from stratops.core.research.compute import SetResult
from stratops.core.research.plan import SweepPlan, completions, load_plan, slice_of
from stratops.core.research.sets import ParameterSet

BATCH = 20


@dataclass
class SweepSession:
    plan: SweepPlan
    engine: Engine
    db_url: str
    sweep_id: int

    @classmethod
    def open(
        cls, path: Path, manifests: Path | None, max_sets: int, db_url: str, embedded: bool
    ) -> SweepSession:
        """Validate everything first; only then touch the database."""
        plan = load_plan(path, manifests, max_sets)
        if embedded:
            Path(".stratops").mkdir(exist_ok=True)
            upgrade_to_head(db_url)
        return cls.on(plan, create_engine_for(db_url), db_url)

    @classmethod
    def on(cls, plan: SweepPlan, engine: Engine, db_url: str) -> SweepSession:
        store.require_schema(engine)
        sweep_id = store.ensure_sweep(engine, plan)
        return cls(plan, engine, db_url, sweep_id)

    def close(self) -> None:
        self.engine.dispose()

    def pending(self, sets: Iterable[ParameterSet]) -> list[ParameterSet]:
        done = store.stored_indexes(self.engine, self.sweep_id)
        return [s for s in sets if s.index not in done]

    def run_slice(self, index: int, data_dir: Path) -> list[int]:
        """One pod's share, and its failed sets; an index past the last slice is a user error."""
        if index >= completions(self.plan):
            raise UserError(f"--index {index}: the sweep has {completions(self.plan)} slices")
        mine = slice_of(self.plan, index)
        todo = self.pending(mine)
        if todo:
            data = fanout.load_data(self.plan, data_dir)
            self._store(fanout.run_serial(self.plan, todo, data, None))
        failed = {i for i, _ in results.progress(self.engine, self.sweep_id).failed}
        return [s.index for s in mine if s.index in failed]

    def run_all(self, data_dir: Path, workers: int, progress: fanout.Progress | None) -> None:
        todo = self.pending(self.plan.sets)
        if not todo:
            return
        if workers == 1:
            data = fanout.load_data(self.plan, data_dir)
            self._store(fanout.run_serial(self.plan, todo, data, progress))
        else:
            self._store(fanout.run_pool(self.plan, todo, data_dir, workers, progress))

    def _store(self, outcomes: Iterable[fanout.Outcome]) -> None:
        batch: list[dict[str, Any]] = []
        for outcome in outcomes:
            batch.append(self._row(outcome))
            if len(batch) >= BATCH:
                store.store_rows(self.engine, batch)
                batch = []
        store.store_rows(self.engine, batch)

    def _row(self, outcome: fanout.Outcome) -> dict[str, Any]:
        if isinstance(outcome, SetResult):
            return store.result_row(self.sweep_id, outcome, self.plan.sweep.spec)
        return store.failure_row(self.sweep_id, outcome)

    def report(self, top: int, seconds: float) -> dict[str, Any]:
        spec = self.plan.sweep.spec
        state = results.progress(self.engine, self.sweep_id)
        return {
            "namespace": self.plan.namespace,
            "name": self.plan.sweep.name,
            "sweepId": self.sweep_id,
            "baseStrategy": self.plan.base.name,
            "strategyClass": self.plan.base.spec.strategy_class,
            "rankBy": spec.rank_by,
            "rankOn": spec.rank_on,
            "outOfSampleStart": _iso(spec.period.out_of_sample_start),
            "total": len(self.plan.sets),
            "done": state.done,
            "failed": [{"index": i, "reason": r} for i, r in state.failed],
            "ranked": [r.to_json() for r in results.ranked(self.engine, self.sweep_id, top)],
            "database": describe(self.db_url),
            "seconds": round(seconds, 3),
        }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
