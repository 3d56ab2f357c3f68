"""The lifetime totals behind `/metrics` read only the rows above their settled id, and
still count every row exactly once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, delete, event
from sqlalchemy.orm import Session

from stratops.api.run_totals import RunTotals
from stratops.core.db import RunFailure, StrategyRun

from .ledger_rows import add_failure, add_run

BOUNDS = (1.0, 10.0)
DAY = dt.date(2025, 11, 3)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _read(engine: Engine, totals: RunTotals) -> tuple[Any, list[Any]]:
    """The totals and the `after` bound of every tail query sent."""
    afters: list[Any] = []

    def note(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        if "GROUP BY" in statement:
            afters.append(params)

    event.listen(engine, "before_cursor_execute", note)
    try:
        with Session(engine) as session:
            return totals.read(session), afters
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _runs(engine: Engine, strategy_id: str, first: int, count: int, seconds: float) -> None:
    for i in range(first, first + count):
        add_run(engine, strategy_id, DAY + dt.timedelta(days=i), 10_000.0, seconds)


def test_totals_count_every_row_once_and_read_only_the_unsettled_ones(db_engine: Engine) -> None:
    clock = Clock()
    totals = RunTotals(BOUNDS, settle_seconds=300, clock=clock)
    _runs(db_engine, "a", 0, 3, 0.5)
    add_failure(db_engine, "a", DAY, "stale_data")
    first, _ = _read(db_engine, totals)
    assert first.runs == {("a", "traded"): 3}
    assert first.failures == {("a", "stale_data"): 1}
    assert first.durations == {"a": [3, 1.5, 3, 3]}

    clock.now += 400  # the first sighting (3 runs, 1 failure) is settled now
    _runs(db_engine, "b", 0, 2, 5.0)
    second, afters = _read(db_engine, totals)
    assert second.runs == {("a", "traded"): 3, ("b", "traded"): 2}
    assert second.durations["b"] == [2, 10.0, 0, 2]
    third, afters = _read(db_engine, totals)
    assert third == second, "a read without new rows changes nothing"
    assert [_after(p) for p in afters] == [3, 1], "only rows above the settled ids are read"

    clock.now += 400
    _runs(db_engine, "a", 10, 1, 20.0)
    add_failure(db_engine, "b", DAY, "bad_data")
    fourth, afters = _read(db_engine, totals)
    assert fourth.runs == {("a", "traded"): 4, ("b", "traded"): 2}
    assert fourth.durations["a"] == [4, 21.5, 3, 3]
    assert fourth.failures == {("a", "stale_data"): 1, ("b", "bad_data"): 1}
    assert [_after(p) for p in afters] == [5, 1]


def test_a_ledger_that_went_back_is_counted_again(db_engine: Engine) -> None:
    clock = Clock()
    totals = RunTotals(BOUNDS, settle_seconds=0, clock=clock)
    _runs(db_engine, "a", 0, 3, 0.5)
    assert _read(db_engine, totals)[0].runs == {("a", "traded"): 3}
    clock.now += 1
    assert _read(db_engine, totals)[0].runs == {("a", "traded"): 3}
    with Session(db_engine) as session, session.begin():
        session.execute(delete(StrategyRun))
        session.execute(delete(RunFailure))
    clock.now += 1
    assert _read(db_engine, totals)[0].runs == {}, "the newest id went down: counted again"
    _runs(db_engine, "c", 0, 1, 0.5)
    clock.now += 1
    assert _read(db_engine, totals)[0].runs == {("c", "traded"): 1}


def _after(params: Any) -> int:
    """The `id > :after` bound of a tail query (the first integer parameter)."""
    values = list(params.values()) if isinstance(params, dict) else list(params)
    return int(next(v for v in values if isinstance(v, int) and not isinstance(v, bool)))
