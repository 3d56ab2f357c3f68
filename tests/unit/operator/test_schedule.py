"""Cron shifting: exact results or None, never an approximation."""

from __future__ import annotations

import pytest

from stratops.core.cron_shift import shift, time_of_day


@pytest.mark.parametrize(
    ("expr", "minutes", "expected"),
    [
        ("45 9 * * 1-5", 5, "50 9 * * 1-5"),
        ("45 9 * * 1-5", 0, "45 9 * * 1-5"),
        ("58 9 * * 1-5", 5, "3 10 * * 1-5"),
        ("45 9 * * 1-5", -10, "35 9 * * 1-5"),
        ("5 9 * * 1-5", -10, "55 8 * * 1-5"),
        ("30 9,15 * * MON-FRI", 45, "15 10,16 * * MON-FRI"),
        ("58 23 * * 1-5", 5, "3 0 * * 2-6"),
        ("2 0 * * 1-5", -5, "57 23 * * 0-4"),
        ("58 23 * * 6", 5, "3 0 * * 0"),
        ("58 23 * * *", 5, "3 0 * * *"),
        ("58 * * * *", 5, "3 * * * *"),
        ("@daily", -10, "50 23 * * *"),
        ("0 9 * * 1,3,5", 90, "30 10 * * 1,3,5"),
    ],
)
def test_shift_is_exact(expr: str, minutes: int, expected: str) -> None:
    assert shift(expr, minutes) == expected


@pytest.mark.parametrize(
    ("expr", "minutes"),
    [
        ("*/5 9 * * 1-5", 5),
        ("* * * * *", 5),
        ("58 23 1 * *", 5),
        ("58 23 * 1 1", 5),
        ("30 23,0 * * 1-5", 45),
        ("0 9-17/2 * * *", 90),
        ("45 9 * *", 5),
        ("45 25 * * *", 30),
    ],
)
def test_shift_refuses_what_it_cannot_do_exactly(expr: str, minutes: int) -> None:
    assert shift(expr, minutes) is None


def test_time_of_day_orders_schedules() -> None:
    assert time_of_day("45 9 * * 1-5") == (9, 45)
    assert time_of_day("0 16,9 * * *") == (9, 0)
    assert time_of_day("0 * * * *") == (0, 0)
    assert time_of_day("*/5 * * * *") is None
