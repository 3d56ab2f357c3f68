"""Health of a strategy's schedule: ok, stale or failing (pure, given the calendar).

* failing: the latest attempt failed (a `run_failures` row newer than the last
  completed run, or a failure with no completed run at all);
* stale: no completed run for the session a run is expected for by now. That
  session is the last NYSE session whose open (open-timed strategies) or close
  (close-timed) lies at least the grace period in the past, so a 09:45 run is
  not reported missing at 09:31;
* ok otherwise. A suspended strategy is never stale (it is not scheduled), but
  can still be failing when its last attempt failed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from stratops.api.schemas import Health
from stratops.core.marketdata import calendar

Timing = Literal["open", "close"]


@dataclass(frozen=True)
class RunFacts:
    """What the ledger says about one strategy's latest run and latest failure."""

    is_active: bool
    last_trade_date: dt.date | None
    last_finished_at: dt.datetime | None
    failure_trade_date: dt.date | None
    failure_at: dt.datetime | None
    failure_message: str | None


def timing_of(spec: dict[str, Any]) -> Timing:
    """The execution timing from a TradingStrategy spec (`execution.timing`), default close."""
    execution = spec.get("execution")
    timing = execution.get("timing") if isinstance(execution, dict) else None
    return "open" if timing == "open" else "close"


def expected_session(now: dt.datetime, timing: Timing, grace: dt.timedelta) -> dt.date:
    """The session whose run should exist at `now` (see the module docstring)."""
    return calendar.last_completed_session(now - grace, timing=timing)


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


def judge(facts: RunFacts, expected: dt.date) -> tuple[Health, str | None]:
    """Health and, unless ok, the one sentence that explains it."""
    if last_attempt_failed(facts):
        return "failing", facts.failure_message or "the last run failed"
    if not facts.is_active:
        return "ok", None
    if facts.last_trade_date is None:
        return "stale", f"no completed run yet; one was expected for {expected.isoformat()}"
    if facts.last_trade_date < expected:
        return "stale", (
            f"last completed run is for {facts.last_trade_date.isoformat()}; "
            f"one was expected for {expected.isoformat()}"
        )
    return "ok", None
