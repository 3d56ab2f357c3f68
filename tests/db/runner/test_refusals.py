"""Refused runs: bad or stale market data (exit 3), a state that fails validation (exit 4).

Each refusal is recorded as a failed attempt and changes nothing else: no run,
no snapshot, no trade, the state file byte for byte as it was.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stratops.core.marketdata.cache import write_cache
from stratops.core.marketdata.manifest import MANIFEST_NAME

from .support import V35B, Place, counts, ledger, run_json, session_days, write_manifest

pytestmark = pytest.mark.db
D0, D1 = session_days("2025-10-01", "2025-10-02")
Frames = dict[str, pd.DataFrame]


def _cache(folder: Path, frames: Frames) -> Path:
    write_cache(folder, frames, provider="synthetic", synthetic=True)
    return folder


def stale(frames: Frames, folder: Path) -> Path:
    return _cache(folder, {s: f.loc[: pd.Timestamp(D0)] for s, f in frames.items()})


def gappy(frames: Frames, folder: Path) -> Path:
    hole = pd.Timestamp("2025-09-17")
    return _cache(folder, {**frames, "QQQ": frames["QQQ"].drop(hole)})


def nan_price(frames: Frames, folder: Path) -> Path:
    """A plain folder of CSVs (a cache would refuse to store a NaN)."""
    folder.mkdir(parents=True)
    for symbol, frame in frames.items():
        if symbol == "TQQQ":
            frame = frame.copy()
            frame.loc[pd.Timestamp("2025-09-30"), "close"] = np.nan
        frame.to_csv(folder / f"{symbol}.csv", index_label="date")
    return folder


def truncated(frames: Frames, folder: Path) -> Path:
    _cache(folder, frames)
    target = folder / "TMF.csv"
    target.write_bytes(target.read_bytes()[:-500])
    return folder


DAMAGE: dict[str, tuple[Callable[[Frames, Path], Path], str, str]] = {
    "stale": (stale, "stale_data", "timing open needs closes through 2025-10-01"),
    "gappy": (gappy, "bad_data", "QQQ: 1 NYSE session(s) without a bar, first 2025-09-17"),
    "nan": (nan_price, "bad_data", "TQQQ: row 2025-09-30: close is NaN"),
    "truncated": (truncated, "bad_data", f"TMF.csv: checksum mismatch with {MANIFEST_NAME}"),
}


def _after_one_good_day(place: Place, capsys: pytest.CaptureFixture[str]) -> tuple[object, bytes]:
    run_json(capsys, place.run_args(V35B, D0))
    return ledger(place.db, "v3_5b"), place.state_file("v3_5b").read_bytes()


def _assert_only_a_failure_was_added(
    place: Place, before: tuple[object, bytes], reason: str, strategy_id: str = "v3_5b"
) -> None:
    rows, state = before
    now = ledger(place.db, strategy_id)
    assert now["failures"] == [(D1, reason)]
    assert {**now, "failures": []} == {**rows, "failures": []}  # type: ignore[dict-item]
    assert place.state_file(strategy_id).read_bytes() == state


@pytest.mark.parametrize("case", list(DAMAGE))
def test_unusable_market_data_is_refused(
    case: str,
    place: Place,
    market_frames: Frames,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    damage, reason, message = DAMAGE[case]
    before = _after_one_good_day(place, capsys)
    broken = Place(place.db, damage(market_frames, tmp_path / case), place.state)
    out = run_json(capsys, broken.run_args(V35B, D1), expect=3)
    assert (out["result"], out["reason"], out["trades"]) == ("failed", reason, [])
    assert message in out["message"]
    _assert_only_a_failure_was_added(place, before, reason)


def test_a_symbol_missing_from_the_data_is_refused(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = write_manifest(tmp_path, V35B, "v3-5b", parameters={"leveraged_long_symbol": "UPRO"})
    run_json(capsys, place.run_args(V35B, D0))
    before = ledger(place.db, "v3_5b"), place.state_file("v3_5b").read_bytes()
    out = run_json(capsys, place.run_args(manifest, D1), expect=3)
    assert (out["result"], out["reason"]) == ("failed", "bad_data")
    assert "UPRO: not in the market data" in out["message"]
    _assert_only_a_failure_was_added(place, before, "bad_data")


CORRUPT = {
    "bad_json": ('{"schema_version": 1, "cash": ', "not valid JSON"),
    "wrong_types": (None, "current_positions.QQQ"),
    "unknown_schema": (None, "schema_version 7 is newer than this runner understands"),
}


@pytest.mark.parametrize("case", list(CORRUPT))
def test_a_corrupt_state_is_refused_and_left_untouched(
    case: str, place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, _ = _after_one_good_day(place, capsys)
    text, message = CORRUPT[case]
    doc = json.loads(place.state_file("v3_5b").read_text())
    if case == "wrong_types":
        text = json.dumps({**doc, "current_positions": {"QQQ": "12"}})
    elif case == "unknown_schema":
        text = json.dumps({**doc, "schema_version": 7})
    assert text is not None
    place.state_file("v3_5b").write_text(text)
    out = run_json(capsys, place.run_args(V35B, D1), expect=4)
    assert (out["result"], out["reason"]) == ("failed", "invalid_state")
    assert message in out["message"]
    assert place.state_file("v3_5b").read_text() == text
    _assert_only_a_failure_was_added(place, (rows, text.encode()), "invalid_state")


def test_a_refused_day_can_run_once_the_data_is_fixed(
    place: Place, market_frames: Frames, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, place.run_args(V35B, D0))
    broken = Place(place.db, stale(market_frames, tmp_path / "old"), place.state)
    run_json(capsys, broken.run_args(V35B, D1), expect=3)
    assert run_json(capsys, place.run_args(V35B, D1))["result"] in ("traded", "no_change")
    assert counts(place.db, "v3_5b") | {"trades": 0} == {
        "runs": 2,
        "snapshots": 2,
        "trades": 0,
        "failures": 1,
    }
    shutil.rmtree(tmp_path / "old")
