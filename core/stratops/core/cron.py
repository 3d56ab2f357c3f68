"""Five-field cron expressions, parsed into sets of allowed values (pure).

Kubernetes CronJobs use the standard five fields (minute, hour, day of
month, month, day of week) plus the `@daily`-style macros. Missed-run
detection needs to know on which days and at which times a schedule fires,
so this module parses exactly that language: `*`, numbers, ranges, lists,
steps (`*/15`, `1-5/2`), month and weekday names, `?` as `*`, and 7 as
Sunday. As in cron (and the Kubernetes controller), when both day of month
and day of week are restricted, a day matches if *either* matches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from stratops.core.errors import UserError

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


class CronError(UserError):
    """A schedule this module cannot read; the message names the field."""


class TimeZoneError(UserError):
    """A time zone the IANA database (which Kubernetes CronJobs use too) does not know."""


def parse_time_zone(name: str) -> ZoneInfo:
    """The zone a schedule fires in; TimeZoneError for a name tzdata does not hold.

    Kubernetes resolves `spec.timeZone` of a CronJob in the same IANA
    database, so a zone accepted here is one the CronJob accepts.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeZoneError(
            f"unknown time zone {name!r} (an IANA name such as America/New_York)"
        ) from None


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    name_base: int = 0


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, MONTHS, 1),
    _Field("day of week", 0, 7, WEEKDAYS, 0),
)


@dataclass(frozen=True)
class Cron:
    """A parsed schedule: the allowed values of each field."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    days_restricted: bool
    weekdays_restricted: bool

    def fires_on(self, day: dt.date) -> bool:
        """Whether the schedule fires at some time on the calendar day `day`."""
        if day.month not in self.months:
            return False
        in_month = day.day in self.days
        in_week = day.isoweekday() % 7 in self.weekdays
        if self.days_restricted and self.weekdays_restricted:
            return in_month or in_week
        return in_month and in_week

    def times(self) -> list[dt.time]:
        """The wall-clock times of day it fires at, earliest first."""
        return [dt.time(h, m) for h in sorted(self.hours) for m in sorted(self.minutes)]


def parse_cron(expr: str) -> Cron:
    """Parse a five-field expression or macro; CronError names what is wrong."""
    text = MACROS.get(expr.strip().lower(), expr)
    parts = text.split()
    if len(parts) != 5:
        raise CronError(f"schedule {expr!r}: expected 5 fields, got {len(parts)}")
    values = [_parse_field(part, spec, expr) for part, spec in zip(parts, _FIELDS, strict=True)]
    weekdays = frozenset(v % 7 for v in values[4])
    return Cron(
        minutes=values[0],
        hours=values[1],
        days=values[2],
        months=values[3],
        weekdays=weekdays,
        days_restricted=not _starts_with_star(parts[2]),
        weekdays_restricted=not _starts_with_star(parts[4]),
    )


def _starts_with_star(part: str) -> bool:
    """Cron treats a field beginning with `*` (or `?`) as unrestricted, steps included."""
    return part[:1] in ("*", "?")


def _parse_field(part: str, spec: _Field, expr: str) -> frozenset[int]:
    found: set[int] = set()
    for item in part.split(","):
        values = _parse_item(item, spec)
        if values is None:
            raise CronError(f"schedule {expr!r}: bad {spec.name} field {part!r}")
        found.update(values)
    return frozenset(found)


def _parse_item(item: str, spec: _Field) -> range | None:
    """One list item: `*`, `N`, `A-B`, each optionally `/STEP`; None when malformed."""
    base, _, step_text = item.partition("/")
    step = int(step_text) if step_text.isdigit() else (1 if not step_text else 0)
    if step < 1:
        return None
    if base in ("*", "?"):
        return range(spec.low, spec.high + 1, step)
    first_text, dash, last_text = base.partition("-")
    first = _value(first_text, spec)
    last = _value(last_text, spec) if dash else (spec.high if step_text else first)
    if first is None or last is None or first > last:
        return None
    return range(first, last + 1, step)


def _value(text: str, spec: _Field) -> int | None:
    if text.isdigit():
        number = int(text)
    elif text.upper() in spec.names:
        number = spec.names.index(text.upper()) + spec.name_base
    else:
        return None
    return number if spec.low <= number <= spec.high else None
