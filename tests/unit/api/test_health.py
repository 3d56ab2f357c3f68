"""Health rules: failing beats everything, stale is judged against the NYSE calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from stratops.api import health

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)


def _facts(**overrides: object) -> health.RunFacts:
    values: dict[str, object] = {
        "is_active": True,
        "last_trade_date": dt.date(2024, 7, 2),
        "last_finished_at": dt.datetime(2024, 7, 2, 14, 0, tzinfo=UTC),
        "failure_trade_date": None,
        "failure_at": None,
        "failure_message": None,
    }
    values.update(overrides)
    return health.RunFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("now", "timing", "expected"),
    [
        # 2024-07-03 opens 13:30 UTC; an hour of grace moves the expectation to 14:30.
        (dt.datetime(2024, 7, 3, 14, 0, tzinfo=UTC), "open", dt.date(2024, 7, 2)),
        (dt.datetime(2024, 7, 3, 14, 31, tzinfo=UTC), "open", dt.date(2024, 7, 3)),
        # ... and closes early, 17:00 UTC: a close-timed run is due from 18:00.
        (dt.datetime(2024, 7, 3, 17, 59, tzinfo=UTC), "close", dt.date(2024, 7, 2)),
        (dt.datetime(2024, 7, 3, 18, 0, tzinfo=UTC), "close", dt.date(2024, 7, 3)),
        # Independence Day and the weekend have no session.
        (dt.datetime(2024, 7, 4, 20, 0, tzinfo=UTC), "close", dt.date(2024, 7, 3)),
        (dt.datetime(2024, 7, 7, 20, 0, tzinfo=UTC), "open", dt.date(2024, 7, 5)),
    ],
)
def test_expected_session_follows_the_exchange_calendar(
    now: dt.datetime, timing: health.Timing, expected: dt.date
) -> None:
    assert health.expected_session(now, timing, HOUR) == expected


def test_timing_comes_from_the_spec_execution() -> None:
    assert health.timing_of({"execution": {"timing": "open"}}) == "open"
    assert health.timing_of({"execution": {"timing": "close"}}) == "close"
    assert health.timing_of({}) == "close"


def test_run_for_the_expected_session_is_ok() -> None:
    assert health.judge(_facts(), dt.date(2024, 7, 2)) == ("ok", None)


def test_missing_the_expected_session_is_stale() -> None:
    verdict, message = health.judge(_facts(), dt.date(2024, 7, 3))
    assert verdict == "stale"
    assert message is not None
    assert "2024-07-02" in message
    assert "2024-07-03" in message


def test_never_run_is_stale() -> None:
    facts = _facts(last_trade_date=None, last_finished_at=None)
    assert health.judge(facts, dt.date(2024, 7, 3))[0] == "stale"


def test_suspended_is_never_stale() -> None:
    facts = _facts(is_active=False, last_trade_date=None, last_finished_at=None)
    assert health.judge(facts, dt.date(2024, 7, 3)) == ("ok", None)


def test_failure_after_the_last_run_is_failing() -> None:
    facts = _facts(
        failure_trade_date=dt.date(2024, 7, 3),
        failure_at=dt.datetime(2024, 7, 3, 13, 46, tzinfo=UTC),
        failure_message="market data is stale",
    )
    assert health.judge(facts, dt.date(2024, 7, 3)) == ("failing", "market data is stale")


def test_failure_followed_by_a_successful_retry_is_ok() -> None:
    facts = _facts(
        last_trade_date=dt.date(2024, 7, 3),
        last_finished_at=dt.datetime(2024, 7, 3, 14, 0, tzinfo=UTC),
        failure_trade_date=dt.date(2024, 7, 3),
        failure_at=dt.datetime(2024, 7, 3, 13, 46, tzinfo=UTC),
    )
    assert health.judge(facts, dt.date(2024, 7, 3)) == ("ok", None)


def test_suspended_strategy_whose_last_attempt_failed_is_failing() -> None:
    facts = _facts(
        is_active=False,
        failure_trade_date=dt.date(2024, 7, 3),
        failure_at=dt.datetime(2024, 7, 3, 14, 0, tzinfo=UTC),
    )
    assert health.judge(facts, dt.date(2024, 7, 3))[0] == "failing"


def test_failure_of_an_older_day_does_not_make_a_current_strategy_failing() -> None:
    facts = _facts(
        failure_trade_date=dt.date(2024, 7, 1),
        failure_at=dt.datetime(2024, 7, 2, 15, 0, tzinfo=UTC),
    )
    assert health.judge(facts, dt.date(2024, 7, 2)) == ("ok", None)
