"""Missed runs by role: the alert is never lost to a missing election, and each runner is
judged by its own slot (a secondary's is shifted after the primary's)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from stratops.core.resource import TradingStrategySpec
from stratops.core.schedule import missed_message
from stratops.operator import missed_runs as mr
from stratops.operator.children.runner import RunnerRole, offset_problem, runner_schedule
from stratops.operator.resources import View
from stratops.operator.settings import OperatorSettings
from stratops.operator.status import Outcome, build_primary_status

NY = ZoneInfo("America/New_York")
SPEC = {"strategyId": "v3_5d", "strategyClass": "Hierarchical_Adaptive_v3_5d"}
DAY = dt.date(2025, 12, 2)
GRACE = dt.timedelta(minutes=2)  # under the secondaries' offset of 5 minutes


def view(status: dict[str, Any] | None = None, **spec: Any) -> View:
    return View(
        name="v3-5d",
        namespace="trading",
        uid="uid-d",
        generation=2,
        raw_spec={**SPEC, **spec},
        status=status or {},
        created="2025-11-03T15:00:00Z",
    )


@pytest.fixture
def settings() -> OperatorSettings:
    return OperatorSettings(image="stratops:test", database_url="sqlite://")  # type: ignore[arg-type]


def _slot(settings: OperatorSettings, primary: bool, **spec: Any) -> str:
    parsed = TradingStrategySpec.model_validate({**SPEC, **spec})
    return runner_schedule(parsed, RunnerRole(primary, True), settings)


def test_a_secondary_is_judged_by_its_shifted_slot(settings: OperatorSettings) -> None:
    """09:48 on 2 December: the primary's 09:45 slot is 3 minutes late, the secondary's
    09:50 slot has not even fired."""
    now = dt.datetime(2025, 12, 2, 9, 48, tzinfo=NY)
    latest = dt.date(2025, 12, 1)
    secondary = mr.judge(view(), latest, now, GRACE, _slot(settings, primary=False))
    primary = mr.judge(view(), latest, now, GRACE, _slot(settings, primary=True))
    assert _slot(settings, primary=False) == "50 9 * * 1-5"
    assert (secondary.status, secondary.missed) == ("True", ())
    assert (primary.status, primary.missed) == ("False", (DAY,))
    later = dt.datetime(2025, 12, 2, 9, 53, tzinfo=NY)
    late = mr.judge(view(), latest, later, GRACE, _slot(settings, primary=False))
    assert late.missed == (DAY,), "the rule still bites a grace after the secondary's own slot"


def test_the_role_comes_from_the_election_then_the_status_else_is_unknown() -> None:
    assert mr.role_of({"trading": "v3-5d"}, view()) is True
    assert mr.role_of({"trading": None}, view({"effectivePrimary": True})) is False
    assert mr.role_of({}, view({"effectivePrimary": True})) is True
    assert mr.role_of({}, view({"effectivePrimary": False})) is False
    assert mr.role_of({}, view()) is None


def test_missed_sessions_wait_for_the_role_so_the_primarys_alert_is_never_lost() -> None:
    missed = mr.Verdict("False", mr.MISSED_RUN, missed_message([DAY]), (DAY,))
    assert mr.next_step(missed, {}, None) == "wait", "neither alert nor status before the role"
    assert mr.next_step(missed, {}, True) == "alert"
    assert mr.next_step(missed, {}, False) == "alert", "the Warning event; no webhook"
    body = mr.schedule_status(view(), missed, "", "2025-12-02T15:00:00Z")
    reported = {"conditions": body["status"]["conditions"]}
    assert mr.next_step(missed, reported, True) == "write", "reported once, never again"
    fine = mr.Verdict("True", "OnSchedule", "no scheduled NYSE session is without a run")
    assert mr.next_step(fine, {}, None) == "write"


@pytest.mark.parametrize(
    ("schedule", "shiftable"),
    [
        ("45 9 * * 1-5", True),
        ("58 23 * * 1-5", True),
        ("*/15 9 * * 1-5", False),
        ("58 23 1 * *", False),
    ],
)
def test_an_unshiftable_secondary_schedule_is_reported(
    settings: OperatorSettings, schedule: str, shiftable: bool
) -> None:
    spec = TradingStrategySpec.model_validate({**SPEC, "schedule": schedule})
    problem = offset_problem(spec, RunnerRole(False, True), settings)
    assert (problem is None) == shiftable
    assert offset_problem(spec, RunnerRole(True, True), settings) is None, "primaries never shift"
    if problem is not None:
        assert f"spec.schedule {schedule!r}" in problem
        assert "same time as the primary" in problem


def test_the_offset_condition_is_a_warning_only_when_not_offset() -> None:
    now = "2025-12-02T15:00:00Z"
    stuck = Outcome(2, None, True, False, None, not_offset="spec.schedule '*/15 9 * * 1-5' ...")
    conditions = {c["type"]: c for c in build_primary_status("v3-5d", "t", stuck, None, now)[
        "status"]["conditions"]}  # fmt: skip
    offset = conditions["ScheduleNotOffset"]
    assert (offset["status"], offset["reason"]) == ("True", "CannotShift")
    fine = Outcome(2, None, True, False, None)
    conditions = {c["type"]: c for c in build_primary_status("v3-5d", "t", fine, None, now)[
        "status"]["conditions"]}  # fmt: skip
    assert (conditions["ScheduleNotOffset"]["status"], conditions["PrimaryConflict"]["status"]) == (
        "False",
        "False",
    )
