"""One strategy, one trading day, exactly once (DESIGN §5).

Steps: session check -> build the strategy -> load and validate the state ->
read the ledger (repairing a lagging store; a done day ends here) -> data
gate -> the engine's `step_session` (the backtest's own step) -> one
transaction for run row, trades and snapshot -> state store -> status sink.

Killed anywhere, a rerun converges: before the transaction nothing was
written; after it, the ledger holds the day and the rerun only repairs the
store. Two attempts at once: the unique (strategy_id, trade_date) lets one
transaction in, the other reports `already_done`.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from stratops.core.backtest.session import SessionResult, step_session
from stratops.core.errors import UserError
from stratops.core.logs import add_log_fields, log_context
from stratops.core.marketdata.calendar import is_session
from stratops.core.strategies.base import Strategy
from stratops.core.strategies.registry import build_strategy
from stratops.runner import accounting
from stratops.runner.gate import check_market_data
from stratops.runner.ledger import (
    CompletedRun,
    DuplicateRunError,
    RunRecord,
    read_ledger,
    record_failure,
    write_run,
)
from stratops.runner.market import MarketDataSource
from stratops.runner.outcome import RunOutcome, failure
from stratops.runner.state import StrategyState, check_holdings
from stratops.runner.sync import RunRefusedError, Synced, save_after_run, sync_store
from stratops.runner.target import RunTarget

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def no_fault(point: str) -> None:
    return None


@dataclass(frozen=True)
class Services:
    """What every run of a process shares: the database, the code version, and two seams
    (`fault`, a checkpoint at each step; `clock`) that only test entry points replace."""

    engine: Engine
    code_version: str
    fault: Callable[[str], None] = no_fault
    clock: Callable[[], dt.datetime] = utc_now


def run_day(
    target: RunTarget, source: MarketDataSource, day: dt.date, services: Services
) -> RunOutcome:
    """Run `target` for `day`; never raises for a refused or broken run, it reports it.

    Every log line of the run carries its strategy, date, resource and run id.
    """
    meta = target.manifest.metadata
    with log_context(
        strategy_id=target.strategy_id,
        trade_date=day.isoformat(),
        resource=meta.name,
        namespace=meta.namespace,
    ):
        outcome = _guarded(target, source, day, services)
        _tell(target, outcome)
        add_log_fields(run_id=outcome.run_id)
        log.info("run %s%s", outcome.result, f" ({outcome.reason})" if outcome.reason else "")
    return outcome


def _guarded(
    target: RunTarget, source: MarketDataSource, day: dt.date, services: Services
) -> RunOutcome:
    try:
        return _attempt(target, source, day, services)
    except UserError as exc:
        return _failed(services, target.strategy_id, day, _reason(exc), str(exc))
    except Exception as exc:  # isolation: a bug in one strategy's run must not stop the others
        log.exception("%s %s: unexpected error", target.strategy_id, day)
        return _failed(services, target.strategy_id, day, "error", f"{type(exc).__name__}: {exc}")


def _reason(exc: UserError) -> str:
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, str) else "refused"


def _failed(
    services: Services, strategy_id: str, day: dt.date, reason: str, message: str
) -> RunOutcome:
    """Record the failed attempt (best effort: the database may be what failed)."""
    try:
        record_failure(services.engine, strategy_id, day, reason, message)
    except (SQLAlchemyError, UserError) as exc:  # UserError: the database is unreachable
        log.warning("%s %s: could not record the failure: %s", strategy_id, day, exc)
    return failure(strategy_id, day, reason, message)


def _tell(target: RunTarget, outcome: RunOutcome) -> None:
    try:
        target.sink.report(outcome)
    except Exception:  # a status that cannot be patched never undoes a recorded run
        log.exception("%s: could not report the run status", target.strategy_id)


def _attempt(
    target: RunTarget, source: MarketDataSource, day: dt.date, services: Services
) -> RunOutcome:
    spec = target.manifest.spec
    if not is_session(day):
        return RunOutcome(
            spec.strategy_id, day, "skipped", "not_a_session", f"{day} is not an NYSE session"
        )
    strategy = _build(target)
    start = _start(target, day, services)
    if isinstance(start, RunOutcome):
        return start
    return _trade(target, strategy, source, start, services)


def _build(target: RunTarget) -> Strategy:
    try:
        return build_strategy(target.manifest.spec)
    except UserError as exc:
        raise RunRefusedError("invalid_spec", str(exc)) from None


@dataclass(frozen=True)
class _Start:
    """A day that still has to be traded: its date, the state to run from, the equity peak."""

    day: dt.date
    synced: Synced
    peak_equity: float | None


def _start(target: RunTarget, day: dt.date, services: Services) -> _Start | RunOutcome:
    """The state to run from, or `already_done` when the ledger holds the day."""
    spec = target.manifest.spec
    loaded = target.store.load()
    ledger = read_ledger(services.engine, spec.strategy_id, day)
    synced = sync_store(target.store, loaded, ledger.latest, spec.strategy_id, spec.initial_capital)
    if ledger.done is not None:
        return already_done(spec.strategy_id, ledger.done, synced.repaired)
    if ledger.latest is not None and ledger.latest.trade_date > day:
        raise RunRefusedError(
            "out_of_order",
            f"{spec.strategy_id} already ran for {ledger.latest.trade_date}, after {day}; "
            "a past day cannot be traded once later days are in the ledger",
        )
    return _Start(day, synced, ledger.peak_equity)


def already_done(strategy_id: str, record: RunRecord, repaired: bool) -> RunOutcome:
    positions = record.state.get("current_positions", {})
    return RunOutcome(
        strategy_id,
        record.trade_date,
        "already_done",
        message=f"run {record.run_id} completed this day already"
        + ("; state store repaired from it" if repaired else ""),
        equity=record.equity,
        cash=record.cash,
        positions=dict(positions) if isinstance(positions, dict) else {},
        cell=record.cell,
        trend=record.trend,
        vol=record.vol,
        snapshot_id=record.data_snapshot_id,
        run_id=record.run_id,
        state_repaired=repaired,
    )


def _trade(
    target: RunTarget,
    strategy: Strategy,
    source: MarketDataSource,
    start: _Start,
    services: Services,
) -> RunOutcome:
    spec, day, synced = target.manifest.spec, start.day, start.synced
    data = source.get()
    check_market_data(data, strategy.required_symbols, spec.execution.timing, day)
    check_holdings(synced.state, data.symbols, target.store.location)
    started = services.clock()
    result = step_session(strategy, spec, data, day, synced.state.portfolio())
    price = accounting.baseline_price(data, strategy.signal_symbol, day)
    run_id = str(uuid.uuid4())
    add_log_fields(run_id=run_id)
    new_state = accounting.next_state(synced.state, result, run_id, started, price)
    completed = CompletedRun(
        strategy_id=spec.strategy_id,
        strategy_name=spec.label,
        trade_date=day,
        run_id=run_id,
        result="traded" if result.fills else "no_change",
        message=_message(result),
        state=new_state.document(),
        cell=new_state.cell,
        trend=new_state.trend_state,
        vol=new_state.vol_state,
        fills=result.fills,
        fill_time=accounting.fill_time(day, spec.execution.timing),
        snapshot=accounting.snapshot(
            synced.state, result, spec.initial_capital, start.peak_equity, price
        ),
        data_snapshot_id=data.snapshot_id,
        params_hash=strategy.params_hash(spec),
        code_version=services.code_version,
        resource_generation=target.generation,
        started_at=started,
        finished_at=services.clock(),
    )
    return _commit(target, completed, new_state, synced, services)


def _commit(
    target: RunTarget,
    completed: CompletedRun,
    new_state: StrategyState,
    synced: Synced,
    services: Services,
) -> RunOutcome:
    """Ledger first, state store second; the fault hook marks each boundary."""
    services.fault("before_db")
    try:
        write_run(services.engine, completed)
    except DuplicateRunError:
        return _lost_race(target, completed.trade_date, services)
    services.fault("after_db")
    save_after_run(target.store, new_state, synced.version)
    services.fault("after_state")
    return _completed_outcome(completed)


def _lost_race(target: RunTarget, day: dt.date, services: Services) -> RunOutcome:
    """A concurrent attempt wrote the day first: report it, and bring the store up to it."""
    outcome = _start(target, day, services)
    if not isinstance(outcome, RunOutcome):
        raise RuntimeError(f"{target.strategy_id} {day}: ledger lost the run it refused")
    return outcome


def _completed_outcome(run: CompletedRun) -> RunOutcome:
    return RunOutcome(
        run.strategy_id,
        run.trade_date,
        "traded" if run.fills else "no_change",
        message=run.message,
        equity=run.snapshot.equity,
        cash=run.snapshot.cash,
        positions=dict(run.snapshot.positions),
        cell=run.cell,
        trend=run.trend,
        vol=run.vol,
        trades=run.fills,
        snapshot_id=run.data_snapshot_id,
        run_id=run.run_id,
    )


def _message(result: SessionResult) -> str:
    decision = result.decision
    if decision is None:
        return "warm-up: no decision in force yet"
    regime = f"cell {decision.cell} ({decision.trend}/{decision.vol})"
    if not result.fills:
        return f"{regime}; no orders"
    return f"{regime}; {len(result.fills)} fill(s)"
