"""Killed at any step, a rerun leaves exactly the rows and state of one clean run.

The runner process really dies (`tests/entrypoints/killed_runner.py` wraps the
real command and makes it `os._exit(137)` at the chosen point),
on the second day of a history, so the state store already holds a state the
kill can leave behind. The reference is the same two days run cleanly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stratops.core.db import upgrade_to_head

from .support import V35B, Place, counts, killed_cli, ledger, run_json, session_days

pytestmark = [pytest.mark.db, pytest.mark.slow]
D1, D2 = session_days("2025-01-15", "2025-01-16")
# 2025-01-16 trades in this synthetic history: the kill interrupts real orders.


@pytest.fixture
def reference(market_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Place:
    """Both days run cleanly, in a database and state folder of their own."""
    clean = Place(f"sqlite:///{tmp_path}/clean.db", market_cache, tmp_path / "clean-state")
    upgrade_to_head(clean.db)
    run_json(capsys, clean.run_args(V35B, D1))
    assert run_json(capsys, clean.run_args(V35B, D2))["trades"], "pick a day that trades"
    return clean


@pytest.mark.parametrize("point", ["before_db", "after_db", "after_state"])
def test_a_kill_then_a_rerun_equals_a_clean_run(
    point: str, place: Place, reference: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, place.run_args(V35B, D1))
    state_before = place.state_file("v3_5b").read_bytes()
    killed = killed_cli(point, *place.run_args(V35B, D2))
    assert killed.returncode == 137, killed.stderr
    _check_what_the_kill_left(point, place, state_before)
    rerun = run_json(capsys, place.run_args(V35B, D2))
    expected = "traded" if point == "before_db" else "already_done"
    assert rerun["result"] == expected
    assert rerun["state_repaired"] is (point == "after_db")
    assert ledger(place.db, "v3_5b") == ledger(reference.db, "v3_5b")
    assert counts(place.db, "v3_5b")["runs"] == 2
    assert place.state_doc("v3_5b") == reference.state_doc("v3_5b")


def _check_what_the_kill_left(point: str, place: Place, state_before: bytes) -> None:
    runs = counts(place.db, "v3_5b")["runs"]
    state_now = place.state_file("v3_5b").read_bytes()
    if point == "before_db":
        assert (runs, state_now) == (1, state_before)
    elif point == "after_db":
        assert (runs, state_now) == (2, state_before)  # the store lags the ledger
    else:
        assert runs == 2
        assert state_now != state_before
