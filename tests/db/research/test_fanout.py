"""The local pool loads the market data once per worker process, never once per set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from stratops.core.research import fanout
from stratops.core.research.compute import SetResult
from stratops.core.research.plan import load_plan

from .support import GRID, sweep_doc, write_sweep

pytestmark = pytest.mark.db


@pytest.mark.skipif(fanout._START_METHOD != "fork", reason="the count travels through fork")
def test_two_workers_load_the_data_twice_at_most_for_six_sets(
    market_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "loads"
    real = fanout.load_market_data

    def counted(directory: Path, symbols: Any) -> Any:
        with log.open("a") as out:  # one line per load, from whichever process loads
            out.write(f"{os.getpid()}\n")
        return real(directory, symbols)

    monkeypatch.setattr(fanout, "load_market_data", counted)
    plan = load_plan(write_sweep(tmp_path / "m", sweep_doc()), None)
    assert len(plan.sets) == len(GRID["sma_fast"]) * len(GRID["sma_slow"]) == 6
    outcomes = list(fanout.run_pool(plan, plan.sets, market_cache, 2, None))
    assert sorted(o.index for o in outcomes) == [s.index for s in plan.sets]
    assert all(isinstance(o, SetResult) for o in outcomes)
    loaders = log.read_text().split()
    assert os.getpid() not in map(int, loaders)  # the parent computes nothing
    assert 1 <= len(loaders) <= 2
    assert len(set(loaders)) == len(loaders)  # one load per worker process
