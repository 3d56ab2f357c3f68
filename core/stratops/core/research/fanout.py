"""Running the sets of a plan: in this process, in a local pool, or one slice per pod.

Whatever the fan-out, each set goes through `compute.compute_set`; a set that
raises an expected error (bad data, a refused configuration) becomes a
`SetFailure` with the reason instead of stopping its neighbours.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path

from stratops.core.errors import UserError
from stratops.core.marketdata.cache import load_market_data
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.frames import MarketData
from stratops.core.research.compute import SetResult, compute_set
from stratops.core.research.plan import SweepPlan
from stratops.core.research.sets import ParameterSet, set_spec
from stratops.core.research.store import SetFailure
from stratops.core.strategies.registry import build_strategy

Outcome = SetResult | SetFailure
Progress = Callable[[int, int], None]


def symbols_of(plan: SweepPlan) -> tuple[list[str], list[str]]:
    """(every series any set reads, the series every set needs)."""
    wanted: dict[str, None] = {}
    needed: dict[str, None] = {}
    for parameter_set in plan.sets:
        strategy = build_strategy(set_spec(plan.base.spec, parameter_set.overrides))
        wanted.update(dict.fromkeys(strategy.symbols))
        needed.update(dict.fromkeys(strategy.required_symbols))
    return list(wanted), list(needed)


def load_data(plan: SweepPlan, directory: Path) -> MarketData:
    """Market data for every set at once; optional series may be absent."""
    return load_symbols(directory, *symbols_of(plan))


def load_symbols(directory: Path, wanted: list[str], needed: list[str]) -> MarketData:
    """Every wanted series, or at least the needed ones (an unused hedge may be absent)."""
    try:
        return load_market_data(directory, wanted)
    except DataError as exc:
        if "no such symbol" not in str(exc):
            raise
    return load_market_data(directory, needed)


def compute_one(plan: SweepPlan, parameter_set: ParameterSet, data: MarketData) -> Outcome:
    try:
        return compute_set(
            plan.base.spec,
            parameter_set.index,
            parameter_set.overrides,
            data,
            plan.sweep.spec.period,
        )
    except UserError as exc:
        return SetFailure(parameter_set.index, dict(parameter_set.overrides), str(exc))


def run_serial(
    plan: SweepPlan, sets: Sequence[ParameterSet], data: MarketData, progress: Progress | None
) -> Iterator[Outcome]:
    for n, parameter_set in enumerate(sets, start=1):
        yield compute_one(plan, parameter_set, data)
        if progress is not None:
            progress(n, len(sets))


# fork starts a worker in milliseconds (nothing to re-import); spawn where there is no fork.
_START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"

# One copy of the plan and the data per worker process, loaded by the initializer.
_worker: dict[str, object] = {}


def _init_worker(plan: SweepPlan, directory: Path) -> None:
    _worker["plan"] = plan
    _worker["data"] = load_data(plan, directory)


def _compute_in_worker(parameter_set: ParameterSet) -> Outcome:
    plan, data = _worker["plan"], _worker["data"]
    assert isinstance(plan, SweepPlan)
    assert isinstance(data, MarketData)
    return compute_one(plan, parameter_set, data)


def run_pool(
    plan: SweepPlan,
    sets: Sequence[ParameterSet],
    directory: Path,
    workers: int,
    progress: Progress | None,
) -> Iterator[Outcome]:
    """`workers` processes, each loading the data once; outcomes in completion order."""
    context = multiprocessing.get_context(_START_METHOD)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(plan, directory)
    ) as pool:
        futures: list[Future[Outcome]] = [pool.submit(_compute_in_worker, s) for s in sets]
        for n, future in enumerate(as_completed(futures), start=1):
            yield future.result()
            if progress is not None:
                progress(n, len(sets))
