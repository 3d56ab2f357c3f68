"""The lifetime totals behind `/metrics` read only the rows above their settled id, and
still count every row exactly once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, insert
from sqlalchemy.orm import Session

from stratops.api.queries import runs
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


@pytest.fixture
def writers_in_flight(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if some transaction were always running: ids settle by the clock alone."""
    newest = runs.newest_ids
    monkeypatch.setattr(runs, "newest_ids", lambda session: (*newest(session)[:2], False))


@pytest.mark.usefixtures("writers_in_flight")
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


def test_with_no_writer_in_flight_the_newest_ids_settle_at_once(db_engine: Engine) -> None:
    totals = RunTotals(BOUNDS, settle_seconds=300, clock=Clock())
    _runs(db_engine, "a", 0, 3, 0.5)
    with Session(db_engine) as session:
        final = runs.newest_ids(session)[2]
    if not final:
        pytest.skip("another transaction of the server was running")
    assert _read(db_engine, totals)[0].runs == {("a", "traded"): 3}
    _runs(db_engine, "a", 3, 1, 0.5)
    again, afters = _read(db_engine, totals)
    assert again.runs == {("a", "traded"): 4}
    # The runs' tail query is bounded by id > 3 (settled at the first read) and settles 4.
    assert {3, 4} <= _ints(afters[0]), "only the new run is read"


def test_postgres_ids_are_not_final_while_a_writer_is_in_flight(db_engine: Engine) -> None:
    """A run inserted and not yet committed holds an id below any later one."""
    if db_engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer, whose ids commit in order")
    _runs(db_engine, "a", 0, 1, 0.5)
    with db_engine.connect() as writer:
        writer.execute(insert(StrategyRun), [_row("a", 5)])  # uncommitted
        with Session(db_engine) as session:
            assert runs.newest_ids(session)[2] is False
        writer.rollback()


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


def _row(strategy_id: str, day: int) -> dict[str, Any]:
    moment = dt.datetime(2025, 11, 3, 15, tzinfo=dt.UTC)
    return {
        "strategy_id": strategy_id,
        "trade_date": DAY + dt.timedelta(days=day),
        "run_id": f"{strategy_id}-uncommitted-{day}",
        "result": "traded",
        "state": {},
        "equity": 1.0,
        "cash": 0.0,
        "params_hash": "0" * 64,
        "code_version": "test",
        "started_at": moment,
        "finished_at": moment,
        "duration_seconds": 1.0,
    }


def _ints(params: Any) -> set[int]:
    values = list(params.values()) if isinstance(params, dict) else list(params)
    return {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
