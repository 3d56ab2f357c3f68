"""The five-field cron reader behind missed-run detection."""

from __future__ import annotations

import datetime as dt

import pytest

from stratops.core.cron import CronError, parse_cron

THANKSGIVING_2025 = dt.date(2025, 11, 27)  # a Thursday


def test_weekday_schedule_fires_monday_to_friday_at_one_time() -> None:
    cron = parse_cron("45 9 * * 1-5")
    week = [dt.date(2025, 11, 24) + dt.timedelta(days=i) for i in range(7)]
    assert [cron.fires_on(d) for d in week] == [True] * 5 + [False, False]
    assert cron.times() == [dt.time(9, 45)]


def test_lists_steps_names_and_sunday_as_seven() -> None:
    cron = parse_cron("0,30 */6 * JAN-MAR sun,7")
    assert cron.times()[:3] == [dt.time(0, 0), dt.time(0, 30), dt.time(6, 0)]
    assert len(cron.times()) == 8
    assert cron.fires_on(dt.date(2025, 1, 5))  # a Sunday in January
    assert not cron.fires_on(dt.date(2025, 1, 6))
    assert not cron.fires_on(dt.date(2025, 4, 6))  # a Sunday in April


def test_range_with_step_and_open_step() -> None:
    assert sorted(parse_cron("1-10/3 * * * *").minutes) == [1, 4, 7, 10]
    assert sorted(parse_cron("50/5 * * * *").minutes) == [50, 55]


def test_day_of_month_or_day_of_week_when_both_are_restricted() -> None:
    cron = parse_cron("0 12 1 * 5")  # the 1st, or any Friday
    assert cron.fires_on(dt.date(2025, 11, 1))  # a Saturday, but the 1st
    assert cron.fires_on(dt.date(2025, 11, 28))  # a Friday
    assert not cron.fires_on(dt.date(2025, 11, 27))


def test_star_step_counts_as_unrestricted_like_cron() -> None:
    cron = parse_cron("0 12 */2 * 1")  # Mondays that are odd days of the month
    assert cron.fires_on(dt.date(2025, 12, 1))  # Monday the 1st
    assert not cron.fires_on(dt.date(2025, 12, 8))  # Monday the 8th
    assert not cron.fires_on(dt.date(2025, 12, 3))  # Wednesday the 3rd


def test_macros() -> None:
    assert parse_cron("@daily").times() == [dt.time(0, 0)]
    assert parse_cron("@weekly").fires_on(dt.date(2025, 11, 30))
    assert not parse_cron("@weekly").fires_on(THANKSGIVING_2025)


@pytest.mark.parametrize(
    ("expr", "field"),
    [
        ("45 9 * *", "expected 5 fields"),
        ("60 9 * * 1-5", "minute"),
        ("45 24 * * *", "hour"),
        ("0 0 0 * *", "day of month"),
        ("0 0 * 13 *", "month"),
        ("0 0 * * 8", "day of week"),
        ("0 0 * * 5-1", "day of week"),
        ("*/0 * * * *", "minute"),
        ("x 0 * * *", "minute"),
    ],
)
def test_bad_schedules_name_the_field(expr: str, field: str) -> None:
    with pytest.raises(CronError, match=field):
        parse_cron(expr)
