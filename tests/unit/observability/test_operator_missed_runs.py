"""The operator's RunsOnSchedule verdict, its condition, and backfill Jobs (pure parts).

The clock is simulated: a strategy whose CronJob was suspended over
Thanksgiving week 2025, judged on Tuesday 2 December at 18:00 New York time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from stratops.operator import missed_runs as mr
from stratops.operator.children import Owner, build_runner_cronjob
from stratops.operator.children.runner import RunnerRole
from stratops.operator.resources import View
from stratops.operator.settings import OperatorSettings

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2025, 12, 2, 18, 0, tzinfo=NY)
HOUR = dt.timedelta(hours=1)
SESSIONS = [
    dt.date(2025, 11, 24),
    dt.date(2025, 11, 25),
    dt.date(2025, 11, 26),
    dt.date(2025, 11, 28),
    dt.date(2025, 12, 1),
    dt.date(2025, 12, 2),
]
SPEC = {"strategyId": "v3_5b", "strategyClass": "Hierarchical_Adaptive_v3_5b"}


def view(
    status: dict[str, Any] | None = None,
    annotations: dict[str, str] | None = None,
    **spec: Any,
) -> View:
    return View(
        name="v3-5b",
        namespace="trading",
        uid="uid-b",
        generation=3,
        raw_spec={**SPEC, **spec},
        status=status or {},
        annotations=annotations or {},
        created="2025-11-03T15:00:00Z",
    )


def test_thanksgiving_week_verdict_names_exactly_the_sessions() -> None:
    verdict = mr.judge(view(), dt.date(2025, 11, 21), NOW, HOUR)
    assert (verdict.status, verdict.reason) == ("False", "MissedRun")
    assert list(verdict.missed) == SESSIONS
    assert "2025-11-27" not in verdict.message
    assert verdict.message == (
        "6 scheduled NYSE sessions without a completed run: 2025-11-24, 2025-11-25, "
        "2025-11-26, 2025-11-28, 2025-12-01, 2025-12-02 (latest 2025-12-02)"
    )


def test_on_schedule_when_the_latest_session_ran() -> None:
    verdict = mr.judge(view(), dt.date(2025, 12, 2), NOW, HOUR)
    assert (verdict.status, verdict.reason, verdict.missed) == ("True", "OnSchedule", ())


def test_suspended_error_and_bad_schedule_are_unknown() -> None:
    assert mr.judge(view(active=False), None, NOW, HOUR).reason == "Suspended"
    assert mr.judge(view(strategyClass="Nope"), None, NOW, HOUR).reason == "NotScheduled"
    bad = mr.judge(view(schedule="61 9 * * *"), None, NOW, HOUR)
    assert (bad.status, bad.reason) == ("Unknown", "NotScheduled"), "an invalid spec runs nothing"
    assert "spec.schedule" in bad.message
    assert "minute" in bad.message


def test_active_since_annotation_moves_the_start() -> None:
    """Resumed on Monday 1 December at 12:00: only Tuesday is due."""
    resumed = view(annotations={mr.ACTIVE_SINCE: "2025-12-01T17:00:00Z"})
    verdict = mr.judge(resumed, dt.date(2025, 11, 21), NOW, HOUR)
    assert list(verdict.missed) == [dt.date(2025, 12, 2)]
    unreadable = view(annotations={mr.ACTIVE_SINCE: "yesterday"})
    assert len(mr.judge(unreadable, dt.date(2025, 11, 21), NOW, HOUR).missed) == 6


def test_news_only_for_a_session_the_status_does_not_name() -> None:
    verdict = mr.judge(view(), dt.date(2025, 11, 21), NOW, HOUR)
    assert mr.is_news(verdict, {})
    body = mr.schedule_status(view(), verdict, "backfill: Job x created", "2025-12-02T23:00:00Z")
    reported = {"conditions": body["status"]["conditions"]}
    assert not mr.is_news(verdict, reported)
    later = mr.judge(view(), dt.date(2025, 11, 21), NOW + dt.timedelta(days=1), HOUR)
    assert mr.is_news(later, reported)
    assert not mr.is_news(mr.judge(view(), dt.date(2025, 12, 2), NOW, HOUR), reported)


def test_condition_keeps_its_transition_time_while_the_status_holds() -> None:
    verdict = mr.judge(view(), dt.date(2025, 11, 21), NOW, HOUR)
    first = mr.schedule_status(view(), verdict, "", "2025-12-02T23:00:00Z")
    cond = first["status"]["conditions"][0]
    assert cond["type"] == "RunsOnSchedule"
    assert (cond["status"], cond["observedGeneration"]) == ("False", 3)
    again = mr.schedule_status(view(status=first["status"]), verdict, "x", "2025-12-03T00:00:00Z")
    assert again["status"]["conditions"][0]["lastTransitionTime"] == "2025-12-02T23:00:00Z"
    assert again["status"]["conditions"][0]["message"].endswith("; x")
    assert mr.status_differs(view(status=first["status"]), again)
    assert not mr.status_differs(view(status=again["status"]), again)


def test_backfill_job_copies_the_runner_template_for_one_date() -> None:
    settings = OperatorSettings(image="stratops:test", database_url="sqlite://")  # type: ignore[arg-type]
    owner_b = Owner(name="v3-5b", namespace="trading", uid="uid-b", strategy_id="v3_5b")
    spec = view().check().spec
    assert spec is not None
    cronjob = build_runner_cronjob(owner_b, spec, RunnerRole(True, True), settings)
    job = mr.build_backfill_job(cronjob, owner_b, dt.date(2025, 11, 28))
    assert job["metadata"]["name"] == "v3-5b-backfill-20251128"
    assert job["metadata"]["ownerReferences"] == [owner_b.reference()]
    assert job["metadata"]["labels"][mr.BACKFILL_DATE] == "2025-11-28"
    command = job["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[command.index("--date") + 1] == "2025-11-28"
    assert "today" not in command
    template = cronjob["spec"]["jobTemplate"]["spec"]
    assert (
        job["spec"]["template"]["spec"]["serviceAccountName"]
        == (template["template"]["spec"]["serviceAccountName"])
    )
    assert "today" in template["template"]["spec"]["containers"][0]["command"], "not mutated"


def test_backfill_name_fits_a_job_name() -> None:
    longest = "a" * 45
    assert len(mr.backfill_name(longest, dt.date(2025, 11, 28))) <= 63


def test_with_date_handles_both_flag_forms() -> None:
    day = dt.date(2025, 11, 28)
    assert mr.with_date(["run", "--date", "today"], day) == ["run", "--date", "2025-11-28"]
    assert mr.with_date(["run", "--date=today"], day) == ["run", "--date=2025-11-28"]


def test_job_state_from_conditions() -> None:
    def job(kind: str) -> dict[str, Any]:
        return {"status": {"conditions": [{"type": kind, "status": "True"}]}}

    assert mr.job_state(None) == "absent"
    assert mr.job_state({"status": {}}) == "running"
    assert mr.job_state(job("Complete")) == "succeeded"
    assert mr.job_state(job("Failed")) == "failed"
    assert "delete the Job" in mr.backfill_note("j", dt.date(2025, 11, 28), "failed")
