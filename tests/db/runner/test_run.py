"""`stratops run`: one day's rows and state, exactly once, equal to the backtest's day."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from stratops.core.backtest.engine import run_backtest
from stratops.core.cli import main
from stratops.core.db import PerformanceSnapshot, StrategyRun, create_engine_for
from stratops.core.manifests import load_strategy
from stratops.core.marketdata.cache import load_market_data
from stratops.core.strategies.registry import build_strategy

from .support import V35B, Place, counts, ledger, run_json, session_days

pytestmark = pytest.mark.db
D1, D2, D3 = session_days("2025-10-01", "2025-10-03")


def test_a_first_run_trades_and_records_everything_once(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_json(capsys, place.run_args(V35B, D1))
    assert (out["strategy_id"], out["trade_date"], out["result"]) == (
        "v3_5b",
        "2025-10-01",
        "traded",
    )
    assert out["trades"]
    assert counts(place.db, "v3_5b") == {
        "runs": 1,
        "snapshots": 1,
        "trades": len(out["trades"]),
        "failures": 0,
    }
    state = json.loads(place.state_file("v3_5b").read_text())
    assert state["current_positions"] == out["positions"]
    assert (state["cash"], state["account_equity"], state["trade_date"]) == (
        out["cash"],
        out["equity"],
        "2025-10-01",
    )
    assert state["run_id"] == out["run_id"]


def test_the_run_row_holds_the_state_and_its_provenance(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_json(capsys, place.run_args(V35B, D1))
    manifest = load_strategy(V35B)
    engine = create_engine_for(place.db)
    with engine.connect() as conn:
        run = conn.execute(select(StrategyRun)).one()
        snap = conn.execute(select(PerformanceSnapshot)).one()
    engine.dispose()
    assert run.state == json.loads(place.state_file("v3_5b").read_text())
    assert run.params_hash == build_strategy(manifest.spec).params_hash(manifest.spec)
    assert run.data_snapshot_id == load_market_data(place.data).snapshot_id == out["snapshot_id"]
    assert run.code_version
    assert run.resource_generation is None  # a manifest file has no generation
    assert (snap.run_id, snap.total_equity, snap.cash) == (run.id, out["equity"], out["cash"])
    assert snap.cumulative_return == pytest.approx(out["equity"] / 10000 - 1)
    assert snap.baseline_value == pytest.approx(10000.0)  # the baseline starts on the first run
    assert (snap.strategy_cell, snap.trend_state, snap.vol_state) == (
        out["cell"],
        out["trend"],
        out["vol"],
    )


def test_the_same_day_twice_is_already_done_and_writes_nothing(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run_json(capsys, place.run_args(V35B, D1))
    before = (ledger(place.db, "v3_5b"), place.state_file("v3_5b").read_bytes())
    again = run_json(capsys, place.run_args(V35B, D1))
    assert (again["result"], again["run_id"], again["trades"]) == (
        "already_done",
        first["run_id"],
        [],
    )
    assert (again["equity"], again["positions"]) == (first["equity"], first["positions"])
    assert (ledger(place.db, "v3_5b"), place.state_file("v3_5b").read_bytes()) == before


def test_a_weekend_is_skipped_without_writing(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_json(capsys, place.run_args(V35B, "2025-10-04"))
    assert (out["result"], out["reason"]) == ("skipped", "not_a_session")
    assert counts(place.db, "v3_5b") == {"runs": 0, "snapshots": 0, "trades": 0, "failures": 0}
    assert not place.state_file("v3_5b").exists()


def test_live_days_equal_the_backtest_days(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    """Decision, fills and equity of each live day are the backtest's for that day."""
    days = session_days("2025-06-20", "2025-07-03")  # trades on 06-24 and 06-27 too
    outs = [run_json(capsys, place.run_args(V35B, day)) for day in days]
    manifest = load_strategy(V35B)
    strategy = build_strategy(manifest.spec)
    data = load_market_data(place.data, strategy.symbols)
    backtest = run_backtest(strategy, manifest.spec, data, days[0], days[-1])
    for out, row in zip(outs, backtest.rows, strict=True):
        assert (out["trade_date"], out["equity"], out["cash"]) == (
            row.date.isoformat(),
            row.equity,
            row.cash,
        )
        assert (out["cell"], out["trend"], out["vol"]) == (row.cell, row.trend, row.vol)
    live_fills = [(o["trade_date"], t) for o in outs for t in o["trades"]]
    assert live_fills == [(d.isoformat(), f.to_json()) for d, f in backtest.fills]


def test_a_lagging_state_store_is_repaired_from_the_ledger(
    place: Place, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run_json(capsys, place.run_args(V35B, D1))
    after_d1 = place.state_file("v3_5b").read_bytes()
    second = run_json(capsys, place.run_args(V35B, D2))
    after_d2 = place.state_file("v3_5b").read_bytes()
    place.state_file("v3_5b").write_bytes(after_d1)  # the store lost the D2 write
    again = run_json(capsys, place.run_args(V35B, D2))
    assert (again["result"], again["state_repaired"], again["run_id"]) == (
        "already_done",
        True,
        second["run_id"],
    )
    assert place.state_file("v3_5b").read_bytes() == after_d2
    place.state_file("v3_5b").unlink()  # or lost the file altogether
    third = run_json(capsys, place.run_args(V35B, D3))
    assert third["result"] in ("traded", "no_change")
    assert counts(place.db, "v3_5b")["runs"] == 3


def test_a_state_from_another_ledger_is_refused_untouched(
    place: Place, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run_json(capsys, place.run_args(V35B, D1))
    written = place.state_file("v3_5b").read_bytes()
    other = Place(f"sqlite:///{tmp_path}/other.db", place.data, place.state)
    out = run_json(capsys, other.run_args(V35B, D2), expect=4)
    assert (out["result"], out["reason"]) == ("failed", "state_mismatch")
    assert "ledger has no run of this strategy" in out["message"]
    assert place.state_file("v3_5b").read_bytes() == written


def test_a_past_day_after_later_ones_is_refused(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, place.run_args(V35B, D2))
    before = counts(place.db, "v3_5b")
    out = run_json(capsys, place.run_args(V35B, D1), expect=1)
    assert (out["result"], out["reason"]) == ("failed", "out_of_order")
    assert counts(place.db, "v3_5b") == {**before, "failures": 1}


def test_without_state_dir_a_sqlite_ledger_keeps_states_beside_it(
    market_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "local.db"
    argv = ["run", "--strategy", str(V35B), "--date", str(D1), "--db", f"sqlite:///{db}"]
    assert main([*argv, "--data-dir", str(market_cache)]) == 0  # migrated on first use
    capsys.readouterr()
    assert (tmp_path / "local.db.state" / "v3_5b" / "state.json").is_file()


def test_postgres_must_be_migrated_first(
    db_url: str, market_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    place = Place(db_url, market_cache, tmp_path / "state")
    code = main(place.run_args(V35B, D1))
    err = capsys.readouterr().err
    if db_url.startswith("sqlite"):
        assert code == 0
    else:
        assert code == 1
        assert "run `stratops db upgrade --db URL` first" in err


def test_a_killed_cache_copy_is_not_needed_for_done_days(
    place: Place, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A done day never reads the data, so a rerun works even after the cache moved on."""
    run_json(capsys, place.run_args(V35B, D1))
    empty = tmp_path / "empty"
    empty.mkdir()
    moved = Place(place.db, empty, place.state)
    assert run_json(capsys, moved.run_args(V35B, D1))["result"] == "already_done"
    shutil.rmtree(empty)
