"""NYSE sessions by rule, in the standard library alone.

The operator decides which sessions a runner should have run (missed runs)
for hundreds of strategies, and must not load pandas and exchange_calendars
to do it: they would be most of its memory and start-up. So the weekday and
holiday rules of the exchange (NYSE Rule 7.2) and its unscheduled closures
since 2000 live here; the runner and backtests keep using
`stratops.core.marketdata.calendar` (exchange_calendars), which also knows
opening and closing times. A unit test holds both to the same sessions over
the whole range they cover.
"""

from __future__ import annotations

import datetime as dt
import functools

from stratops.core.errors import UserError

FIRST_DAY = dt.date(2000, 1, 1)

# Closures no rule predicts: 11 September 2001, national days of mourning, Hurricane Sandy.
UNSCHEDULED_CLOSURES = frozenset(
    {
        dt.date(2001, 9, 11),
        dt.date(2001, 9, 12),
        dt.date(2001, 9, 13),
        dt.date(2001, 9, 14),
        dt.date(2004, 6, 11),
        dt.date(2007, 1, 2),
        dt.date(2012, 10, 29),
        dt.date(2012, 10, 30),
        dt.date(2018, 12, 5),
        dt.date(2025, 1, 9),
    }
)


def last_day(today: dt.date | None = None) -> dt.date:
    """The end of the year after next: the same bound as the exchange_calendars one."""
    year = (today or dt.date.today()).year + 2
    return dt.date(year, 12, 31)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th `weekday` (Monday 0) of the month; n = -1 is the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    shift = h + weekday - 7 * ((a + 11 * h + 22 * weekday) // 451) + 114
    return dt.date(year, shift // 31, shift % 31 + 1)


def _observed(day: dt.date) -> dt.date:
    """Saturday holidays close on Friday, Sunday holidays on Monday."""
    shift = {5: -1, 6: 1}.get(day.weekday(), 0)
    return day + dt.timedelta(days=shift)


@functools.cache
def holidays(year: int) -> frozenset[dt.date]:
    """The weekday closures of `year`: holidays as observed plus unscheduled closures."""
    new_year = dt.date(year, 1, 1)
    days = {
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _easter(year) - dt.timedelta(days=2),  # Good Friday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _observed(dt.date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        _observed(dt.date(year, 12, 25)),
    }
    if new_year.weekday() != 5:  # a Saturday New Year is not moved to the year before
        days.add(_observed(new_year))
    if year >= 2022:
        days.add(_observed(dt.date(year, 6, 19)))  # Juneteenth
    days |= {day for day in UNSCHEDULED_CLOSURES if day.year == year}
    return frozenset(day for day in days if day.weekday() < 5)


def is_session(day: dt.date) -> bool:
    """Whether the NYSE trades on `day` (within the covered range)."""
    _check(day)
    return day.weekday() < 5 and day not in holidays(day.year)


def sessions(start: dt.date, end: dt.date) -> list[dt.date]:
    """NYSE sessions from `start` to `end`, both inclusive, oldest first."""
    _check(start)
    _check(end)
    count = (end - start).days + 1
    days = (start + dt.timedelta(days=offset) for offset in range(max(count, 0)))
    return [day for day in days if day.weekday() < 5 and day not in holidays(day.year)]


def _check(day: dt.date) -> None:
    if not FIRST_DAY <= day <= last_day():
        raise UserError(
            f"date {day:%Y-%m-%d} outside the NYSE calendar "
            f"({FIRST_DAY:%Y-%m-%d}..{last_day():%Y-%m-%d})"
        )
