"""The runner's slot is one rule in core: the operator writes it into the CronJob and the
API judges lateness by it (a secondary fires its offset after the primary)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from stratops.core.resource import TradingStrategySpec
from stratops.core.schedule import RunSchedule, due_sessions, latest_due_session, runner_slot
from stratops.operator.children.runner import RunnerRole, runner_schedule
from stratops.operator.settings import OperatorSettings

SCHEDULES = (
    "45 9 * * 1-5",
    "58 23 * * 1-5",
    "0 16 * * MON-FRI",
    "30 * * * *",
    "*/15 9 * * 1-5",
    "58 23 1 * *",
    "@daily",
    "0 9,15 * * 1-5",
)
OFFSETS = (0, 5, 20, 90)


def test_a_secondary_fires_its_offset_after_the_primary() -> None:
    assert runner_slot("45 9 * * 1-5", primary=True, secondary_offset_minutes=5) == "45 9 * * 1-5"
    assert runner_slot("45 9 * * 1-5", primary=False, secondary_offset_minutes=5) == "50 9 * * 1-5"
    assert runner_slot("58 23 * * 1-5", False, 5) == "3 0 * * 2-6"
    assert runner_slot("*/15 9 * * 1-5", False, 5) == "*/15 9 * * 1-5", "kept as written"


@pytest.mark.parametrize(("expr", "offset"), list(itertools.product(SCHEDULES, OFFSETS)))
def test_the_operator_writes_the_slot_core_computes(expr: str, offset: int) -> None:
    settings = OperatorSettings(  # type: ignore[call-arg]
        image="stratops:test", database_url="sqlite://", secondary_offset_minutes=offset
    )
    spec = TradingStrategySpec.model_validate(
        {"strategyId": "s", "strategyClass": "Hierarchical_Adaptive_v3_5b", "schedule": expr}
    )
    for primary in (True, False):
        written = runner_schedule(spec, RunnerRole(primary, True), settings)
        assert written == runner_slot(expr, primary, offset)


@pytest.mark.parametrize("expr", ["45 9 * * 1-5", "0 16 * * MON-FRI", "30 10 * * 1,3,5"])
@pytest.mark.parametrize("hours", [0, 9, 14, 15, 17, 23])
def test_the_latest_due_session_is_the_last_of_the_due_sessions(expr: str, hours: int) -> None:
    schedule = RunSchedule.of(expr, "America/New_York")
    start = dt.datetime(2025, 1, 2, 12, tzinfo=dt.UTC)
    grace = dt.timedelta(minutes=60)
    for day in range(0, 330, 7):
        now = dt.datetime(2025, 1, 3, hours, 30, tzinfo=dt.UTC) + dt.timedelta(days=day)
        due = due_sessions(schedule, start, now, grace)
        assert latest_due_session(schedule, start, now, grace) == (due[-1] if due else None)
