"""Health of a strategy's schedule: ok, stale or failing (pure).

One rule decides whether a strategy is late, and it is the operator's
missed-run rule (`stratops.core.schedule`, applied in `stratops.api.missed`
with one grace period): a strategy is

* failing: the latest attempt failed (a `run_failures` row newer than the last
  completed run, or a failure with no completed run at all);
* stale: a scheduled NYSE session has no completed run a grace period after
  its scheduled time (the sessions the status lists as `missed`);
* ok otherwise. A suspended strategy is never stale (it is not scheduled), but
  can still be failing when its last attempt failed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from stratops.api.schemas import Health
from stratops.core.schedule import missed_message


@dataclass(frozen=True)
class RunFacts:
    """What the ledger says about one strategy's latest run and latest failure."""

    is_active: bool
    last_trade_date: dt.date | None
    last_finished_at: dt.datetime | None
    failure_trade_date: dt.date | None
    failure_at: dt.datetime | None
    failure_message: str | None


def last_attempt_failed(facts: RunFacts) -> bool:
    if facts.failure_at is None:
        return False
    if facts.last_trade_date is None or facts.last_finished_at is None:
        return True
    if facts.failure_trade_date is not None and facts.failure_trade_date > facts.last_trade_date:
        return True
    return (
        facts.failure_trade_date == facts.last_trade_date
        and facts.failure_at > facts.last_finished_at
    )


def judge(facts: RunFacts, missed: Sequence[dt.date]) -> tuple[Health, str | None]:
    """Health and, unless ok, the one sentence that explains it."""
    if last_attempt_failed(facts):
        return "failing", facts.failure_message or "the last run failed"
    if not facts.is_active or not missed:
        return "ok", None
    last = facts.last_trade_date
    ran = f"last completed run is for {last.isoformat()}" if last else "no completed run yet"
    return "stale", f"{missed_message(missed)}; {ran}"
