"""The state store against the ledger: lagging is repaired, disagreeing is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stratops.runner.ledger import RunRecord
from stratops.runner.state import InvalidStateError, StrategyState
from stratops.runner.stores import FileStateStore, StoredState
from stratops.runner.sync import RunRefusedError, needs_repair, save_after_run, sync_store

DAY = dt.date(2025, 10, 1)


def _state(day: dt.date | None, run_id: str | None, cash: float = 10000.0) -> StrategyState:
    base = StrategyState.initial("v3_5b", 10000.0)
    return base.model_copy(update={"trade_date": day, "run_id": run_id, "cash": cash})


def _record(state: StrategyState) -> RunRecord:
    assert state.trade_date is not None
    assert state.run_id is not None
    return RunRecord(
        trade_date=state.trade_date,
        run_id=state.run_id,
        result="traded",
        state=state.document(),
        equity=state.account_equity,
        cash=state.cash,
        cell=None,
        trend=None,
        vol=None,
        data_snapshot_id="s",
    )


def test_a_fresh_state_and_an_empty_ledger_agree() -> None:
    assert needs_repair(_state(None, None), None, "x") is False


def test_the_state_of_the_latest_run_agrees() -> None:
    latest = _state(DAY, "r1")
    assert needs_repair(latest, _record(latest), "x") is False


@pytest.mark.parametrize("stored", [_state(None, None), _state(DAY - dt.timedelta(days=1), "r0")])
def test_an_older_state_lags(stored: StrategyState) -> None:
    assert needs_repair(stored, _record(_state(DAY, "r1")), "x") is True


@pytest.mark.parametrize(
    ("stored", "latest"),
    [
        (_state(DAY, "r1"), None),
        (_state(DAY, "other"), _state(DAY, "r1")),
        (_state(DAY + dt.timedelta(days=1), "r2"), _state(DAY, "r1")),
        (_state(DAY, None), _state(DAY, "r1")),
    ],
)
def test_a_state_the_ledger_does_not_know_is_refused(
    stored: StrategyState, latest: StrategyState | None
) -> None:
    with pytest.raises(InvalidStateError, match="ledger") as caught:
        needs_repair(stored, _record(latest) if latest else None, "x")
    assert caught.value.reason == "state_mismatch"


def test_sync_repairs_a_lagging_store_from_the_ledger(tmp_path: Path) -> None:
    store = FileStateStore(tmp_path, "v3_5b")
    latest = _state(DAY, "r1", cash=42.0)
    synced = sync_store(store, store.load(), _record(latest), "v3_5b", 10000.0)
    assert synced.repaired is True
    assert synced.state == latest
    assert store.load() == StoredState(latest.dumps(), synced.version)


def test_sync_leaves_a_current_store_alone(tmp_path: Path) -> None:
    store = FileStateStore(tmp_path, "v3_5b")
    latest = _state(DAY, "r1")
    version = store.save(latest.dumps(), None)
    synced = sync_store(store, store.load(), _record(latest), "v3_5b", 10000.0)
    assert (synced.repaired, synced.version) == (False, version)


class RacingStore(FileStateStore):
    """A store another writer updates between our load and our save (once)."""

    def __init__(self, root: Path, text_from_other_writer: str) -> None:
        super().__init__(root, "v3_5b")
        self.other = text_from_other_writer

    def save(self, text: str, expected_version: str | None) -> str:
        if self.other:
            other, self.other = self.other, ""
            super().save(other, expected_version)
        return super().save(text, expected_version)


def test_a_repair_that_races_a_writer_of_the_same_run_settles(tmp_path: Path) -> None:
    latest = _state(DAY, "r1")
    store = RacingStore(tmp_path, latest.dumps())
    synced = sync_store(store, store.load(), _record(latest), "v3_5b", 10000.0)
    assert synced.state == latest
    assert synced.repaired is False  # the other writer did it


def test_save_after_run_accepts_a_store_that_already_has_this_run(tmp_path: Path) -> None:
    new = _state(DAY, "r1")
    store = RacingStore(tmp_path, new.dumps())
    save_after_run(store, new, None)
    assert store.load().text == new.dumps()


def test_save_after_run_refuses_a_store_changed_by_someone_else(tmp_path: Path) -> None:
    store = RacingStore(tmp_path, _state(DAY, "intruder").dumps())
    with pytest.raises(RunRefusedError, match="changed during the run") as caught:
        save_after_run(store, _state(DAY, "r1"), None)
    assert caught.value.reason == "state_conflict"
    assert store.load().text == _state(DAY, "intruder").dumps()
