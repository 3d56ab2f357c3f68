"""Missed-run detection on a simulated clock: sessions, holidays, early closes, grace.

Every `now` is a fixed moment; nothing sleeps. The calendar is the real
XNYS calendar of exchange_calendars.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from stratops.core.errors import UserError
from stratops.core.schedule import RunSchedule, describe_dates, due_sessions, missed_sessions

NY = ZoneInfo("America/New_York")
WEEKDAYS_0945 = RunSchedule.of("45 9 * * 1-5", "America/New_York")
HOUR = dt.timedelta(hours=1)


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=NY)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_thanksgiving_week_suspension_reports_exactly_the_sessions() -> None:
    """Last run Friday 21 Nov 2025; the CronJob is suspended until Tuesday 2 Dec, 18:00."""
    missed = missed_sessions(
        WEEKDAYS_0945,
        start=ny(2025, 11, 1),
        now=ny(2025, 12, 2, 18),
        run_dates=[d("2025-11-20"), d("2025-11-21")],
        grace=HOUR,
    )
    assert missed == [
        d("2025-11-24"),
        d("2025-11-25"),
        d("2025-11-26"),
        d("2025-11-28"),  # early close (13:00): still a session
        d("2025-12-01"),
        d("2025-12-02"),
    ]
    assert d("2025-11-27") not in missed  # Thanksgiving


def test_christmas_2024_week_skips_both_holidays() -> None:
    missed = missed_sessions(
        WEEKDAYS_0945,
        start=ny(2024, 12, 1),
        now=ny(2025, 1, 3, 9),  # before Friday's run time
        run_dates=[d("2024-12-20")],
        grace=HOUR,
    )
    assert missed == [
        d("2024-12-23"),
        d("2024-12-24"),  # early close
        d("2024-12-26"),
        d("2024-12-27"),
        d("2024-12-30"),
        d("2024-12-31"),
        d("2025-01-02"),
    ]


def test_grace_period_after_the_scheduled_time() -> None:
    runs = [d("2025-11-25")]
    start = ny(2025, 11, 1)
    assert missed_sessions(WEEKDAYS_0945, start, ny(2025, 11, 26, 10, 44), runs, HOUR) == []
    assert missed_sessions(WEEKDAYS_0945, start, ny(2025, 11, 26, 10, 45), runs, HOUR) == [
        d("2025-11-26")
    ]


def test_early_close_day_is_due_for_a_schedule_after_the_close() -> None:
    """16:15 is after Black Friday's 13:00 close; the day is still a session with a run."""
    after_close = RunSchedule.of("15 16 * * 1-5", "America/New_York")
    due = due_sessions(after_close, ny(2025, 11, 26, 17), ny(2025, 11, 28, 17, 30), HOUR)
    assert due == [d("2025-11-28")]
    assert missed_sessions(after_close, ny(2025, 11, 26, 17), ny(2025, 11, 28, 17, 30), due) == []


def test_weekend_and_holiday_firings_never_count() -> None:
    every_day = RunSchedule.of("0 12 * * *", "America/New_York")
    due = due_sessions(every_day, ny(2025, 11, 26), ny(2025, 12, 1), HOUR)
    assert due == [d("2025-11-26"), d("2025-11-28")]


def test_sessions_the_schedule_does_not_fire_on_are_not_expected() -> None:
    mondays = RunSchedule.of("45 9 * * 1", "America/New_York")
    due = due_sessions(mondays, ny(2025, 11, 20), ny(2025, 12, 3), HOUR)
    assert due == [d("2025-11-24"), d("2025-12-01")]


def test_start_excludes_firings_before_it() -> None:
    """Created at 10:00 on a session day: that day's 09:45 firing is not expected."""
    due = due_sessions(WEEKDAYS_0945, ny(2025, 11, 24, 10), ny(2025, 11, 25, 12), HOUR)
    assert due == [d("2025-11-25")]


def test_sessions_before_the_latest_run_are_no_longer_missed() -> None:
    """Runs go in order: Monday cannot be run once Tuesday is in the ledger."""
    missed = missed_sessions(
        WEEKDAYS_0945, ny(2025, 11, 20), ny(2025, 11, 26, 12), [d("2025-11-25")], HOUR
    )
    assert missed == [d("2025-11-26")]


def test_time_zone_decides_the_day() -> None:
    """08:30 on Monday in Tokyo is Sunday evening in New York; the runner resolves
    `--date today` in the schedule's zone, so the run is Monday's session."""
    tokyo = RunSchedule.of("30 8 * * 1", "Asia/Tokyo")
    due = due_sessions(tokyo, ny(2025, 11, 20), ny(2025, 11, 23, 20), HOUR)
    assert due == [d("2025-11-24")]


def test_naive_times_are_utc() -> None:
    naive_now = dt.datetime(2025, 11, 25, 17, 0)  # 12:00 in New York
    aware = missed_sessions(WEEKDAYS_0945, ny(2025, 11, 24, 10), ny(2025, 11, 25, 12), [])
    assert missed_sessions(WEEKDAYS_0945, dt.datetime(2025, 11, 24, 15), naive_now, []) == aware


def test_unknown_time_zone_is_a_user_error() -> None:
    with pytest.raises(UserError, match="time zone"):
        RunSchedule.of("45 9 * * 1-5", "Mars/Olympus")


def test_describe_dates_is_bounded() -> None:
    days = [d("2025-12-01") + dt.timedelta(days=i) for i in range(12)]
    assert describe_dates(days[:2]) == "2025-12-01, 2025-12-02"
    assert describe_dates(days, limit=3) == "2025-12-01, 2025-12-02, 2025-12-03 and 9 more"
