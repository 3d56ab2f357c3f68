"""NYSE sessions: which days have bars, and which bar a run may expect.

Built on exchange_calendars' XNYS calendar. Building it takes a noticeable
fraction of a second, so one instance is built per process and reused. Its
default bounds reach neither 2005 (the synthetic data's first year) nor next
year, so it is built with explicit bounds: 2000-01-01 through the end of the
year after next.
"""

from __future__ import annotations

import functools
import warnings
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeAlias

import exchange_calendars as xcals
import pandas as pd
from pandas.errors import Pandas4Warning

from stratops.core.errors import UserError

Timing = Literal["close", "open"]
DateLike: TypeAlias = "date | str | pd.Timestamp"

CALENDAR_START = date(2000, 1, 1)


@functools.cache
def _xnys() -> Any:
    """The cached calendar.

    exchange_calendars still reads `Series.values` on tz-aware columns, which
    pandas 3.1 deprecates with a warning at every build; that warning is about
    the library's internals, not our use, so it is silenced here alone.
    """
    end = date(date.today().year + 2, 12, 31)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Pandas4Warning)
        return xcals.get_calendar("XNYS", start=CALENDAR_START.isoformat(), end=end.isoformat())


def _day(value: DateLike) -> pd.Timestamp:
    """A tz-naive midnight Timestamp inside the calendar's bounds, or a clear error."""
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    stamp = stamp.normalize()
    cal = _xnys()
    if not cal.first_session <= stamp <= cal.last_session:
        first, last = cal.first_session, cal.last_session
        raise UserError(
            f"date {stamp:%Y-%m-%d} outside the NYSE calendar ({first:%Y-%m-%d}..{last:%Y-%m-%d})"
        )
    return stamp


@functools.lru_cache(maxsize=1024)
def sessions(start: DateLike, end: DateLike) -> pd.DatetimeIndex:
    """NYSE sessions from `start` to `end`, both inclusive, as tz-naive midnight dates.

    Memoized (the index is immutable): the API's status page asks for the same
    few ranges for every one of hundreds of strategies.
    """
    index: pd.DatetimeIndex = _xnys().sessions_in_range(_day(start), _day(end))
    return pd.DatetimeIndex(index.to_numpy(), name="date")


def is_session(day: DateLike) -> bool:
    """Whether the NYSE traded on `day` (weekends and holidays are not sessions)."""
    return bool(_xnys().is_session(_day(day)))


def previous_session(day: DateLike) -> date:
    """The last session strictly before `day`, whether or not `day` itself is a session."""
    stamp = _day(day) - pd.Timedelta(days=1)
    session: pd.Timestamp = _xnys().date_to_session(_day(stamp), direction="previous")
    day_before: date = session.date()
    return day_before


def last_completed_session(now: datetime | None = None, timing: Timing = "close") -> date:
    """See `_last_completed_session`; memoized for an explicit `now` (the API judges
    hundreds of strategies against one `now` per request)."""
    if now is None:
        return _last_completed_session(datetime.now(UTC), timing)
    return _last_completed_session(now, timing)


@functools.lru_cache(maxsize=256)
def _last_completed_session(now: datetime, timing: Timing) -> date:
    """The session whose bar a run at `now` may expect to find in the data.

    With timing `close` that is the last session whose close (early closes
    included) is at or before `now`; with `open`, the last session that has
    opened, because an open-timed run fills at that session's open. A naive
    `now` is taken as UTC; the default is the current time.
    """
    moment = pd.Timestamp(now)
    moment = moment.tz_localize(UTC) if moment.tzinfo is None else moment.tz_convert(UTC)
    _day(moment)
    edges = _xnys().closes if timing == "close" else _xnys().opens
    position = int(edges.searchsorted(moment, side="right")) - 1
    if position < 0:
        raise UserError(f"no NYSE session completed by {moment.isoformat()}")
    label: pd.Timestamp = edges.index[position]
    completed: date = label.date()
    return completed
