"""Shifting cron schedules by whole minutes, exactly or not at all (pure).

Secondaries run a few minutes after the primary, and the market-data job a
few minutes before the earliest runner. Cron has no "plus five minutes", so
the expression itself is rewritten. Only schedules whose result is exact are
shifted (a single minute; hours as numbers or `*`; a day change only where
the day-of-week field can carry it); for anything else `shift` returns None
and the caller keeps the original schedule and says so.

It lives in core because two components must agree on it: the operator
writes the shifted schedule into a secondary's CronJob, and the read API
judges that runner's lateness by the same slot.
"""

from __future__ import annotations

from stratops.core.cron import MACROS
from stratops.core.cron import WEEKDAYS as DAY_NAMES


def expand(expr: str) -> list[str] | None:
    """The five fields of a schedule (macros expanded), None when it is not five fields."""
    fields = MACROS.get(expr.strip().lower(), expr).split()
    return fields if len(fields) == 5 else None


def shift(expr: str, minutes: int) -> str | None:
    """`expr` moved by `minutes` (negative: earlier), or None when that is not exact."""
    if minutes == 0:
        return expr
    fields = expand(expr)
    if fields is None or not fields[0].isdigit():
        return None
    minute, hour, dom, month, dow = fields
    total = int(minute) + minutes
    new_minute, carry = total % 60, total // 60
    if carry == 0 or hour == "*":
        return " ".join([str(new_minute), hour, dom, month, dow])
    shifted = _shift_hours(hour, carry)
    if shifted is None:
        return None
    new_hour, days = shifted
    new_dow = _shift_days(dom, month, dow, days)
    if new_dow is None:
        return None
    return " ".join([str(new_minute), new_hour, dom, month, new_dow])


def time_of_day(expr: str) -> tuple[int, int] | None:
    """(first hour, minute) of a schedule with a fixed minute, for ordering; None otherwise."""
    fields = expand(expr)
    if fields is None or not fields[0].isdigit():
        return None
    hours = [0] if fields[1] == "*" else _values(fields[1], 0, 23)
    return (min(hours), int(fields[0])) if hours else None


def _shift_hours(field: str, carry: int) -> tuple[str, int] | None:
    """Hours moved by `carry`; all must land on the same day (offset returned)."""
    hours = _values(field, 0, 23)
    if not hours:
        return None
    days = {(h + carry) // 24 for h in hours}
    if len(days) != 1:
        return None
    return _render(sorted((h + carry) % 24 for h in hours)), days.pop()


def _shift_days(dom: str, month: str, dow: str, days: int) -> str | None:
    """Day-of-week moved by `days`; impossible when day-of-month or month restrict it."""
    if days == 0 or (dom == "*" and dow == "*" and month == "*"):
        return dow
    if dom != "*" or month != "*":
        return None
    values = _values(dow, 0, 7, names=DAY_NAMES)
    if not values:
        return None
    return _render(sorted({(d % 7 + days) % 7 for d in values}))


def _values(field: str, low: int, high: int, names: tuple[str, ...] = ()) -> list[int]:
    """Numbers of a list/range field (`1-5`, `9,15`, `MON-FRI`); [] when it has steps or junk."""
    result: set[int] = set()
    for part in field.split(","):
        bounds = [_number(p, names) for p in part.split("-")]
        numbers = [b for b in bounds if b is not None and low <= b <= high]
        if len(bounds) > 2 or len(numbers) != len(bounds) or numbers[0] > numbers[-1]:
            return []
        result.update(range(numbers[0], numbers[-1] + 1))
    return sorted(result)


def _number(text: str, names: tuple[str, ...]) -> int | None:
    if text.isdigit():
        return int(text)
    upper = text.upper()
    return names.index(upper) if upper in names else None


def _render(values: list[int]) -> str:
    """Sorted numbers as a compact field: runs of three or more become ranges."""
    parts: list[str] = []
    start = prev = values[0]
    for value in [*values[1:], None]:
        if value is not None and value == prev + 1:
            prev = value
            continue
        if prev - start >= 2:
            parts.append(f"{start}-{prev}")
        else:
            parts.extend(str(v) for v in range(start, prev + 1))
        if value is not None:
            start = prev = value
    return ",".join(parts)
