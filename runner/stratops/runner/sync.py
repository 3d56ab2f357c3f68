"""Keeping the state store in step with the ledger (the database is the authority).

Every run writes the ledger first and the state store second, so a run killed
in between leaves a store that *lags*: its state is older than the latest
`strategy_runs` row. Such a store is repaired from that row before anything
else happens. A store that is *ahead of* or *beside* the ledger (it records a
run the ledger does not know) cannot come from a crash; it means a wrong
database or a hand-edited state, and is refused rather than overwritten.

A state without `run_id` (seeded by the operator or migrated from the legacy
engine) is adopted as long as the ledger has no run of the strategy.
"""

from __future__ import annotations

from dataclasses import dataclass

from stratops.core.errors import UserError
from stratops.runner.ledger import RunRecord
from stratops.runner.outcome import exit_code_for
from stratops.runner.state import InvalidStateError, StrategyState, parse_state, validate_document
from stratops.runner.stores import StateConflictError, StateStore, StoredState

SYNC_ATTEMPTS = 3


class RunRefusedError(UserError):
    """A run the runner will not do; `reason` is the machine-readable code recorded."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, exit_code_for(reason))
        self.reason = reason


@dataclass(frozen=True)
class Synced:
    """The state to run from, the store version it has, whether it was just repaired."""

    state: StrategyState
    version: str | None
    repaired: bool = False


def read_state(
    stored: StoredState, location: str, strategy_id: str, capital: float
) -> StrategyState:
    """The stored state, or the initial one when the store holds nothing yet."""
    if stored.text is None:
        return StrategyState.initial(strategy_id, capital)
    return parse_state(stored.text, location, strategy_id)


def needs_repair(state: StrategyState, latest: RunRecord | None, location: str) -> bool:
    """False when the state reflects the ledger, True when it lags; InvalidStateError otherwise."""
    if latest is None:
        if state.run_id is None:
            return False
        raise InvalidStateError(
            location,
            f"records run {state.run_id} of {state.trade_date}, but the ledger has no run of "
            "this strategy (wrong database?)",
            reason="state_mismatch",
        )
    if state.run_id == latest.run_id:
        if state.trade_date != latest.trade_date:
            raise InvalidStateError(
                location,
                f"records run {state.run_id} for {state.trade_date}, but the ledger holds that "
                f"run for {latest.trade_date}",
                reason="state_mismatch",
            )
        return False
    if state.trade_date is None or state.trade_date < latest.trade_date:
        return True
    raise InvalidStateError(
        location,
        f"records {state.trade_date} (run {state.run_id}) but the ledger's latest run is "
        f"{latest.trade_date} (run {latest.run_id})",
        reason="state_mismatch",
    )


def sync_store(
    store: StateStore,
    loaded: StoredState,
    latest: RunRecord | None,
    strategy_id: str,
    capital: float,
) -> Synced:
    """Load, validate and, if it lags the ledger, repair the store from the latest run."""
    repaired = False
    for _ in range(SYNC_ATTEMPTS):
        state = read_state(loaded, store.location, strategy_id, capital)
        if not needs_repair(state, latest, store.location):
            return Synced(state, loaded.version, repaired)
        assert latest is not None
        fixed = validate_document(latest.state, f"ledger run {latest.run_id}", strategy_id)
        try:
            version = store.save(fixed.dumps(), loaded.version)
        except StateConflictError:
            loaded, repaired = store.load(), False
            continue
        return Synced(fixed, version, repaired=True)
    raise RunRefusedError("state_conflict", f"{store.location}: kept changing while being repaired")


def save_after_run(store: StateStore, new: StrategyState, version: str | None) -> None:
    """Write the new state; a conflict is fine if the store already reflects this run."""
    try:
        store.save(new.dumps(), version)
    except StateConflictError:
        current = read_state(store.load(), store.location, new.strategy_id, 0.0)
        if current.run_id == new.run_id:
            return
        raise RunRefusedError(
            "state_conflict",
            f"{store.location} changed during the run; the ledger holds run {new.run_id} "
            "and the next run repairs the state from it",
        ) from None
