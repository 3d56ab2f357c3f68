"""Health rules: failing beats everything; stale means the missed-run rule lists a session."""

from __future__ import annotations

import datetime as dt

from stratops.api import health

UTC = dt.UTC


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


NONE: list[dt.date] = []
JULY_3 = [dt.date(2024, 7, 3)]


def test_nothing_missed_is_ok() -> None:
    assert health.judge(_facts(), NONE) == ("ok", None)


def test_a_missed_session_is_stale_and_named() -> None:
    verdict, message = health.judge(_facts(), JULY_3)
    assert verdict == "stale"
    assert message == (
        "1 scheduled NYSE session without a completed run: 2024-07-03 (latest 2024-07-03); "
        "last completed run is for 2024-07-02"
    )


def test_never_run_is_stale_once_a_session_is_missed() -> None:
    facts = _facts(last_trade_date=None, last_finished_at=None)
    verdict, message = health.judge(facts, JULY_3)
    assert verdict == "stale"
    assert message is not None
    assert message.endswith("; no completed run yet")
    assert health.judge(facts, NONE) == ("ok", None), "nothing due yet: not late"


def test_suspended_is_never_stale() -> None:
    facts = _facts(is_active=False, last_trade_date=None, last_finished_at=None)
    assert health.judge(facts, JULY_3) == ("ok", None)


def test_failure_after_the_last_run_is_failing() -> None:
    facts = _facts(
        failure_trade_date=dt.date(2024, 7, 3),
        failure_at=dt.datetime(2024, 7, 3, 13, 46, tzinfo=UTC),
        failure_message="market data is stale",
    )
    assert health.judge(facts, JULY_3) == ("failing", "market data is stale")


def test_failure_followed_by_a_successful_retry_is_ok() -> None:
    facts = _facts(
        last_trade_date=dt.date(2024, 7, 3),
        last_finished_at=dt.datetime(2024, 7, 3, 14, 0, tzinfo=UTC),
        failure_trade_date=dt.date(2024, 7, 3),
        failure_at=dt.datetime(2024, 7, 3, 13, 46, tzinfo=UTC),
    )
    assert health.judge(facts, NONE) == ("ok", None)


def test_suspended_strategy_whose_last_attempt_failed_is_failing() -> None:
    facts = _facts(
        is_active=False,
        failure_trade_date=dt.date(2024, 7, 3),
        failure_at=dt.datetime(2024, 7, 3, 14, 0, tzinfo=UTC),
    )
    assert health.judge(facts, NONE)[0] == "failing"


def test_failure_of_an_older_day_does_not_make_a_current_strategy_failing() -> None:
    facts = _facts(
        failure_trade_date=dt.date(2024, 7, 1),
        failure_at=dt.datetime(2024, 7, 2, 15, 0, tzinfo=UTC),
    )
    assert health.judge(facts, NONE) == ("ok", None)
