"""Lifetime run and failure counts and the run-duration histogram, kept incrementally.

`/metrics` reports, per strategy, every completed run by result, every failed
attempt by reason and the durations of all runs. Grouping the whole ledger at
each scrape would read millions of rows (500 strategies x 20 years) every
15 seconds. The ledger tables are append-only with increasing ids, so the
totals up to an id never change once every transaction that took a lower id
has ended: `RunTotals` keeps the totals up to such a *settled* id and reads
only the rows above it (a range of the primary key) at each scrape.

The newest ids are settled at once when nothing can commit below them any
more (`queries.runs.newest_ids`: no writing transaction in progress on
Postgres; always on SQLite, whose single writer commits ids in order), which
is the usual case between the runners' bursts. Otherwise an id counts as
settled `settle_seconds` after a scrape saw it as the newest (five minutes,
the bound the ETags use for a commit that lands late): a row whose
transaction took its id earlier but commits later than that is not counted
until the process restarts. So the first scrape after a start reads every
row once, and later ones read the rows since the last settled ids. A table
whose newest id went down (restored, truncated) is counted again from the
start.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from stratops.api.queries import runs
from stratops.api.queries.rows import AnyRow

SETTLE_SECONDS = 300.0


@dataclass
class Totals:
    """Counts since the first row: runs by (strategy, result), failures by (strategy,
    reason), and per strategy [count, total seconds, count at or below each bound]."""

    runs: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)
    durations: dict[str, list[float]] = field(default_factory=dict)

    def add_runs(self, rows: Iterable[AnyRow], bounds: int) -> None:
        for row in rows:
            self.runs[(row.strategy_id, row.result)] += int(row.n)
            sums = self.durations.setdefault(row.strategy_id, [0.0] * (2 + bounds))
            sums[0] += int(row.n)
            sums[1] += float(row.total or 0.0)
            for i in range(bounds):
                sums[2 + i] += int(getattr(row, f"le{i}") or 0)

    def add_failures(self, rows: Iterable[AnyRow]) -> None:
        for row in rows:
            self.failures[(row.strategy_id, row.reason)] += int(row.n)

    def plus(self, other: Totals) -> Totals:
        durations = {k: list(v) for k, v in self.durations.items()}
        for sid, sums in other.durations.items():
            mine = durations.setdefault(sid, [0.0] * len(sums))
            durations[sid] = [a + b for a, b in zip(mine, sums, strict=True)]
        return Totals(self.runs + other.runs, self.failures + other.failures, durations)


@dataclass
class _Mark:
    """Totals of the rows with ids up to `runs`/`failures` (both settled)."""

    totals: Totals = field(default_factory=Totals)
    runs: int = 0
    failures: int = 0


class RunTotals:
    """The lifetime totals at each scrape, reading only the rows not yet settled."""

    def __init__(
        self,
        bounds: Sequence[float],
        settle_seconds: float = SETTLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bounds = tuple(bounds)
        self.settle_seconds = settle_seconds
        self.clock = clock
        self._settled = _Mark()
        self._seen: list[tuple[float, int, int]] = []  # (when, newest run id, failure id)
        self._lock = threading.Lock()

    def read(self, session: Session) -> Totals:
        with self._lock:
            return self._read(session)

    def _read(self, session: Session) -> Totals:
        now = self.clock()
        newest_run, newest_failure, final = runs.newest_ids(session)
        if newest_run < self._settled.runs or newest_failure < self._settled.failures:
            self._settled, self._seen = _Mark(), []  # the tables went back: count again
        settle_runs, settle_failures = self._settle_point(now)
        if final:  # nothing below the newest ids can still commit
            settle_runs, settle_failures = newest_run, newest_failure
        base = self._settled
        run_rows = runs.run_totals_after(session, base.runs, settle_runs, self.bounds)
        failure_rows = runs.failure_totals_after(session, base.failures, settle_failures)
        settled, recent = Totals(), Totals()
        settled.add_runs((r for r in run_rows if r.settled), len(self.bounds))
        recent.add_runs((r for r in run_rows if not r.settled), len(self.bounds))
        settled.add_failures(r for r in failure_rows if r.settled)
        recent.add_failures(r for r in failure_rows if not r.settled)
        self._settled = _Mark(base.totals.plus(settled), settle_runs, settle_failures)
        self._seen.append((now, newest_run, newest_failure))
        return self._settled.totals.plus(recent)

    def _settle_point(self, now: float) -> tuple[int, int]:
        """The newest ids seen at least `settle_seconds` ago (the current mark otherwise);
        older sightings are dropped."""
        point = (self._settled.runs, self._settled.failures)
        while self._seen and self._seen[0][0] <= now - self.settle_seconds:
            _, newest_run, newest_failure = self._seen.pop(0)
            point = (max(point[0], newest_run), max(point[1], newest_failure))
        return point
