"""Two attempts at the same strategy and day: the database lets exactly one run happen."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from stratops.core.db import StrategyRun, create_engine_for
from stratops.core.manifests import load_strategy
from stratops.core.strategies.registry import build_strategy
from stratops.runner.day import Services, run_day
from stratops.runner.market import MarketDataSource
from stratops.runner.outcome import RunOutcome
from stratops.runner.target import file_target

from .support import V35B, Place, counts, popen, session_days

pytestmark = pytest.mark.db
(DAY,) = session_days("2025-01-16", "2025-01-16")


def _row_state(place: Place) -> dict[str, object]:
    engine = create_engine_for(place.db)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(StrategyRun.state)).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_two_processes_started_together_make_one_run(place: Place) -> None:
    argv = [*place.run_args(V35B, DAY), "--json"]
    first, second = popen(*argv), popen(*argv)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    results = sorted(json.loads(out)["result"] for out, _ in outputs)
    assert results == ["already_done", "traded"]
    traded = next(json.loads(o) for o, _ in outputs if json.loads(o)["result"] == "traded")
    assert counts(place.db, "v3_5b") == {
        "runs": 1,
        "snapshots": 1,
        "trades": len(traded["trades"]),
        "failures": 0,
    }
    assert json.loads(place.state_file("v3_5b").read_text()) == _row_state(place)


class Killed(BaseException):
    """Stands for the process dying: not an Exception, so the runner cannot catch it."""


def _attempt(place: Place, fault: Callable[[str], None]) -> RunOutcome:
    manifest = load_strategy(V35B)
    engine = create_engine_for(place.db)
    try:
        source = MarketDataSource(place.data, build_strategy(manifest.spec).symbols)
        target = file_target(manifest, place.state)
        return run_day(target, source, DAY, Services(engine, "test", fault))
    finally:
        engine.dispose()


def _rival_at_our_insert(place: Place, rival_dies_at: str | None) -> Callable[[str], None]:
    """Our fault hook: just before our transaction, a rival attempt runs (and maybe dies)."""

    def rival_fault(point: str) -> None:
        if point == rival_dies_at:
            raise Killed(point)

    def ours(point: str) -> None:
        if point == "before_db":
            with contextlib.suppress(Killed):
                _attempt(place, rival_fault)

    return ours


@pytest.mark.parametrize(
    ("rival_dies_at", "repaired"), [(None, False), ("after_db", True)], ids=["finished", "killed"]
)
def test_the_attempt_that_loses_the_insert_reports_already_done(
    place: Place, rival_dies_at: str | None, repaired: bool
) -> None:
    """Deterministic interleaving: the rival commits between our checks and our insert."""
    outcome = _attempt(place, _rival_at_our_insert(place, rival_dies_at))
    assert (outcome.result, outcome.state_repaired, outcome.trades) == (
        "already_done",
        repaired,
        (),
    )
    assert counts(place.db, "v3_5b")["runs"] == 1
    assert counts(place.db, "v3_5b")["failures"] == 0
    assert json.loads(place.state_file("v3_5b").read_text()) == _row_state(place)
    assert outcome.trade_date == dt.date(2025, 1, 16)
