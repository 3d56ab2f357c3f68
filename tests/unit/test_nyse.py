"""The import-light NYSE rule names the same sessions as exchange_calendars' XNYS."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from stratops.core import nyse
from stratops.core.errors import UserError
from stratops.core.marketdata import calendar


def test_every_session_since_2000_matches_exchange_calendars() -> None:
    ours = nyse.sessions(nyse.FIRST_DAY, nyse.last_day())
    theirs = [stamp.date() for stamp in calendar.sessions(ours[0], ours[-1])]
    assert len(ours) > 7000
    assert ours == theirs


@pytest.mark.parametrize(
    ("day", "session"),
    [
        (dt.date(2022, 1, 1), False),  # Saturday New Year: no Friday closure the year before
        (dt.date(2021, 12, 31), True),
        (dt.date(2023, 1, 2), False),  # Sunday New Year, closed Monday
        (dt.date(2021, 6, 18), True),  # Juneteenth only from 2022
        (dt.date(2027, 6, 18), False),  # Saturday Juneteenth closes Friday
        (dt.date(2024, 3, 29), False),  # Good Friday
        (dt.date(2012, 10, 30), False),  # Hurricane Sandy
        (dt.date(2025, 1, 9), False),  # a national day of mourning
        (dt.date(2024, 11, 29), True),  # the day after Thanksgiving closes early, but trades
    ],
)
def test_holiday_rules(day: dt.date, session: bool) -> None:
    assert nyse.is_session(day) is session
    assert calendar.is_session(day) is session


def test_dates_outside_the_rules_are_one_clear_error() -> None:
    with pytest.raises(UserError, match="1999-12-31 outside the NYSE calendar"):
        nyse.sessions(dt.date(1999, 12, 31), dt.date(2000, 1, 5))


def test_the_rule_imports_neither_pandas_nor_exchange_calendars() -> None:
    probe = (
        "import sys, stratops.core.schedule\n"
        "print(sorted({'pandas', 'exchange_calendars', 'numpy'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
