"""All active strategies side by side: the original plan's MultiStrategyRunner, locally.

For every session (one day, or each session of a `--from/--to` replay) the
strategies run in order, primary first, each through `run_day`, the same
path as `stratops run`. Market data comes from one shared source, loaded at
most once. A strategy's failure is its own: it is tallied, alerted when it
is the primary's, and the next strategy runs. A failure that no later day can
fix (invalid spec or state) takes the strategy out of the rest of a replay
instead of repeating the same failure every day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stratops.runner.alerts import AlertSink, send_alerts
from stratops.runner.day import Services, run_day
from stratops.runner.fleet import BrokenManifest
from stratops.runner.market import MarketDataSource
from stratops.runner.outcome import EXIT_FAILED, EXIT_OK, RunOutcome, failure
from stratops.runner.target import RunTarget

PERMANENT_REASONS = frozenset(
    {"invalid_spec", "invalid_state", "state_mismatch", "state_conflict", "config_mirror"}
)

Progress = Callable[[int, int, dt.date, Sequence[RunOutcome]], None]
"""Called after each session with (sessions done, sessions total, day, that day's outcomes)."""


@dataclass
class Tally:
    """One strategy over the sessions run: counts per result, failures, the last outcome."""

    strategy_id: str
    primary: bool
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[RunOutcome] = field(default_factory=list)
    last: RunOutcome | None = None
    stopped_on: dt.date | None = None

    def add(self, outcome: RunOutcome) -> None:
        self.counts[outcome.result] += 1
        self.last = outcome
        if outcome.failed:
            self.failures.append(outcome)
            if outcome.reason in PERMANENT_REASONS:
                self.stopped_on = outcome.trade_date

    def to_json(self) -> dict[str, Any]:
        last = self.last.to_json() if self.last else {"strategy_id": self.strategy_id}
        return {
            **last,
            "is_primary": self.primary,
            "sessions": sum(self.counts.values()),
            "counts": dict(sorted(self.counts.items())),
            "failures": [
                {"trade_date": f.trade_date.isoformat(), "reason": f.reason, "message": f.message}
                for f in self.failures
            ],
            "stopped_on": self.stopped_on.isoformat() if self.stopped_on else None,
        }


@dataclass
class RunAllReport:
    """What `run-all` did, for the summary table and the `--json` object."""

    sessions: list[dt.date]
    primary: str | None
    tallies: dict[str, Tally]
    broken: tuple[BrokenManifest, ...]
    data_loads: int = 0
    snapshot_id: str | None = None
    synthetic: bool | None = None

    @property
    def primary_failure(self) -> RunOutcome | None:
        tally = self.tallies.get(self.primary) if self.primary else None
        return tally.failures[-1] if tally and tally.failures else None

    @property
    def exit_code(self) -> int:
        """Non-zero only when the primary failed (or a broken manifest claimed primary)."""
        failure = self.primary_failure
        if failure is not None:
            return failure.exit_code
        return EXIT_FAILED if any(b.claims_primary for b in self.broken) else EXIT_OK

    def to_json(self) -> dict[str, Any]:
        return {
            "primary": self.primary,
            "data_loads": self.data_loads,
            "snapshot_id": self.snapshot_id,
            "synthetic": self.synthetic,
            "from": self.sessions[0].isoformat() if self.sessions else None,
            "to": self.sessions[-1].isoformat() if self.sessions else None,
            "sessions": len(self.sessions),
            "results": {sid: t.to_json() for sid, t in self.tallies.items()},
            "invalid_manifests": [{"file": b.file, "message": b.message} for b in self.broken],
        }


def run_all(
    targets: Sequence[RunTarget],
    source: MarketDataSource,
    days: Sequence[dt.date],
    services: Services,
    alerts: list[AlertSink],
    progress: Progress | None = None,
    refused: Mapping[str, str] | None = None,
) -> dict[str, Tally]:
    """Every target for every day, in order; the tallies, keyed by strategy id in run order.

    `refused` maps strategy ids that must not run (their config could not be
    recorded) to the reason: each is that strategy's failure, alerted when primary.
    """
    tallies = {t.strategy_id: Tally(t.strategy_id, t.manifest.spec.primary) for t in targets}
    for sid, message in (refused or {}).items():
        tally = tallies.get(sid)
        if tally is not None and days:
            outcome = failure(sid, days[0], "config_mirror", message)
            tally.add(outcome)
            if tally.primary:
                send_alerts(alerts, outcome)
    for number, day in enumerate(days, start=1):
        outcomes = []
        for target in targets:
            tally = tallies[target.strategy_id]
            if tally.stopped_on is not None:
                continue
            outcome = run_day(target, source, day, services)
            tally.add(outcome)
            outcomes.append(outcome)
            if outcome.failed and tally.primary:
                send_alerts(alerts, outcome)
        if progress is not None:
            progress(number, len(days), day, outcomes)
    return tallies
