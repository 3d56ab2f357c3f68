"""One set -> metrics: the same numbers as the backtest engine, split at outOfSampleStart."""

from __future__ import annotations

import datetime as dt

import pytest

from stratops.core.backtest.engine import run_backtest
from stratops.core.research.compute import compute_set
from stratops.core.research.sets import set_spec
from stratops.core.research.spec import SweepPeriod
from stratops.core.strategies.registry import build_strategy

from ..engine.builders import SMALL, random_market, spec

DATA = random_market(700, seed=11)
BASE = spec(parameters=SMALL)
START, END = dt.date(2015, 3, 1), dt.date(2017, 8, 31)
SPLIT = dt.date(2016, 9, 1)


def period(oos: dt.date | None = None) -> SweepPeriod:
    return SweepPeriod.model_validate({"start": START, "end": END, "outOfSampleStart": oos})


def test_without_a_split_a_set_has_the_engine_s_metrics() -> None:
    overrides = {"sma_fast": 4, "leverage_scalar": 1.2}
    result = compute_set(BASE, 3, overrides, DATA, period())
    full_spec = set_spec(BASE, overrides)
    engine = run_backtest(build_strategy(full_spec), full_spec, DATA, START, END).to_json()
    assert result.out_of_sample is None
    assert result.index == 3
    assert result.params_hash == build_strategy(full_spec).params_hash(full_spec)
    ins = result.in_sample
    assert ins.sessions == engine["sessions"]
    assert ins.final_equity == engine["final_equity"]
    assert ins.trades == engine["trades"]
    for key in ("cagr_pct", "sharpe", "sortino", "max_drawdown_pct", "total_return_pct"):
        assert getattr(ins, key) == pytest.approx(engine[key], rel=1e-12), key


def test_a_split_cuts_one_run_in_two_consecutive_parts() -> None:
    whole = compute_set(BASE, 0, {}, DATA, period()).in_sample
    split = compute_set(BASE, 0, {}, DATA, period(SPLIT))
    ins, oos = split.in_sample, split.out_of_sample
    assert oos is not None
    assert ins.sessions + oos.sessions == whole.sessions
    assert ins.trades + oos.trades == whole.trades
    assert dt.date.fromisoformat(ins.end) < SPLIT <= dt.date.fromisoformat(oos.start)
    assert oos.final_equity == whole.final_equity
    # The parts compound to the whole: (1 + r_in) * (1 + r_out) = 1 + r_whole.
    assert ins.total_return_pct is not None
    assert oos.total_return_pct is not None
    assert whole.total_return_pct is not None
    grown = (1 + ins.total_return_pct / 100) * (1 + oos.total_return_pct / 100)
    assert grown == pytest.approx(1 + whole.total_return_pct / 100, rel=1e-12)


def test_different_parameters_give_different_results_and_reruns_identical_ones() -> None:
    a = compute_set(BASE, 0, {"sma_fast": 3}, DATA, period(SPLIT))
    again = compute_set(BASE, 0, {"sma_fast": 3}, DATA, period(SPLIT))
    b = compute_set(BASE, 1, {"sma_fast": 8}, DATA, period(SPLIT))
    assert a == again
    assert a.params_hash != b.params_hash
    assert a.in_sample != b.in_sample


def test_the_score_reads_the_chosen_part() -> None:
    result = compute_set(BASE, 0, {}, DATA, period(SPLIT))
    assert result.out_of_sample is not None
    assert result.score("sharpe", "inSample") == result.in_sample.sharpe
    assert result.score("cagr_pct", "outOfSample") == result.out_of_sample.cagr_pct
