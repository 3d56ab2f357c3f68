"""The API judges a secondary by the slot its runner actually fires at, not by spec.schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from stratops.api.missed import Judge, lateness_of

NY = ZoneInfo("America/New_York")
SPEC = {"schedule": "45 9 * * 1-5", "timeZone": "America/New_York"}
GRACE = dt.timedelta(minutes=2)  # under the secondaries' offset of 5 minutes


class Row(NamedTuple):
    strategy_id: str
    is_active: bool
    is_primary: bool
    spec: dict[str, Any]
    created_at: dt.datetime
    latest: dt.date | None


def _row(primary: bool) -> Row:
    created = dt.datetime(2025, 11, 3, 15, tzinfo=dt.UTC)
    return Row("v3_5d", True, primary, SPEC, created, dt.date(2025, 12, 1))


def test_a_secondary_is_not_late_before_its_shifted_slot() -> None:
    """09:48 on 2 December: the primary's 09:45 slot is 3 minutes late; the secondary's
    09:50 slot has not even fired."""
    now = dt.datetime(2025, 12, 2, 9, 48, tzinfo=NY)
    judge = Judge(grace=GRACE, secondary_offset_minutes=5)
    assert lateness_of(_row(primary=True), now, judge).missed == [dt.date(2025, 12, 2)]
    secondary = lateness_of(_row(primary=False), now, judge)
    assert secondary.missed == []
    assert secondary.expected == dt.date(2025, 12, 1)
    later = dt.datetime(2025, 12, 2, 9, 53, tzinfo=NY)
    assert lateness_of(_row(primary=False), later, judge).missed == [dt.date(2025, 12, 2)]


def test_the_offset_is_a_setting() -> None:
    now = dt.datetime(2025, 12, 2, 10, 3, tzinfo=NY)
    late = Judge(grace=GRACE, secondary_offset_minutes=20)
    assert lateness_of(_row(primary=False), now, late).missed == [], "its slot is 10:05"
    assert lateness_of(_row(primary=False), now, Judge(GRACE, 5)).missed == [dt.date(2025, 12, 2)]
