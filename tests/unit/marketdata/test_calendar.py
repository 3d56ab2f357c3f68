"""The NYSE session calendar: holidays, early closes, bounds, and which bar a run may expect."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from stratops.core.errors import UserError
from stratops.core.marketdata import (
    is_session,
    last_completed_session,
    previous_session,
    sessions,
)


def test_sessions_skip_weekends_and_holidays() -> None:
    days = [d.date() for d in sessions("2024-11-27", "2024-12-27")]
    assert date(2024, 11, 28) not in days  # Thanksgiving
    assert date(2024, 11, 29) in days  # half day, still a session
    assert date(2024, 12, 25) not in days
    assert date(2024, 12, 21) not in days  # Saturday
    assert days[0] == date(2024, 11, 27)
    assert days[-1] == date(2024, 12, 27)
    assert len(days) == 21


def test_calendar_reaches_back_to_2005_and_into_next_year() -> None:
    assert sessions("2005-01-01", "2005-01-07")[0].date() == date(2005, 1, 3)
    next_year = date.today().year + 1
    assert len(sessions(date(next_year, 1, 1), date(next_year, 12, 31))) > 240


def test_sessions_are_tz_naive_named_dates() -> None:
    index = sessions("2024-01-02", "2024-01-05")
    assert index.tz is None
    assert index.name == "date"
    assert all(stamp == stamp.normalize() for stamp in index)


def test_is_session() -> None:
    assert is_session("2024-11-29")
    assert not is_session(date(2024, 12, 25))
    assert not is_session("2024-03-09")


def test_previous_session_is_strictly_before() -> None:
    assert previous_session("2024-12-26") == date(2024, 12, 24)
    assert previous_session("2024-12-25") == date(2024, 12, 24)
    assert previous_session("2024-03-11") == date(2024, 3, 8)  # Monday -> Friday


def test_last_completed_session_honours_early_closes() -> None:
    # 2024-11-29 closed at 13:00 New York time = 18:00 UTC.
    assert last_completed_session(datetime(2024, 11, 29, 17, 59, tzinfo=UTC)) == date(2024, 11, 27)
    assert last_completed_session(datetime(2024, 11, 29, 18, 0, tzinfo=UTC)) == date(2024, 11, 29)
    # A holiday and a weekend look back to the last session.
    assert last_completed_session(datetime(2024, 12, 25, 23, 0, tzinfo=UTC)) == date(2024, 12, 24)
    assert last_completed_session(datetime(2024, 3, 10, 12, 0, tzinfo=UTC)) == date(2024, 3, 8)


def test_last_completed_session_with_open_timing_counts_the_opened_session() -> None:
    before_open = datetime(2024, 3, 5, 14, 29, tzinfo=UTC)  # 09:29 New York
    after_open = datetime(2024, 3, 5, 14, 45, tzinfo=UTC)
    assert last_completed_session(before_open, "open") == date(2024, 3, 4)
    assert last_completed_session(after_open, "open") == date(2024, 3, 5)
    assert last_completed_session(after_open, "close") == date(2024, 3, 4)


def test_naive_now_is_taken_as_utc() -> None:
    assert last_completed_session(datetime(2024, 11, 29, 18, 0)) == date(2024, 11, 29)


def test_dates_outside_the_calendar_are_a_clear_error() -> None:
    with pytest.raises(UserError, match="outside the NYSE calendar"):
        sessions("1990-01-01", "1990-02-01")
