"""The cache: exact round trips, honest manifests, damaged files refused, atomic locked writes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from stratops.core.errors import UserError
from stratops.core.marketdata import (
    BAR_COLUMNS,
    DataError,
    SyntheticProvider,
    load_market_data,
    market_data_from_frames,
    read_manifest,
    write_cache,
)
from stratops.core.marketdata.fileformat import snapshot_id

AS_OF = datetime(2024, 1, 2, 22, 0, tzinfo=UTC)


@pytest.fixture
def cache(tmp_path: Path, small_frames: dict[str, pd.DataFrame]) -> Path:
    path = tmp_path / "cache"
    write_cache(path, small_frames, provider="synthetic", synthetic=True, as_of=AS_OF)
    return path


def test_round_trip_returns_the_bars_written(
    cache: Path, small_frames: dict[str, pd.DataFrame]
) -> None:
    data = load_market_data(cache)
    assert data.symbols == sorted(small_frames)
    for symbol, frame in small_frames.items():
        pd.testing.assert_frame_equal(data.bars[symbol], frame.loc[:, list(BAR_COLUMNS)])
    assert (data.provider, data.synthetic, data.as_of) == ("synthetic", True, AS_OF)
    in_memory = market_data_from_frames(small_frames, "synthetic", True)
    assert data.snapshot_id == in_memory.snapshot_id


def test_manifest_describes_each_file(cache: Path, small_frames: dict[str, pd.DataFrame]) -> None:
    document = json.loads((cache / "manifest.json").read_text())
    assert document["format_version"] == 1
    assert document["as_of"] == "2024-01-02T22:00:00Z"
    assert (document["provider"], document["synthetic"]) == ("synthetic", True)
    assert document["symbols"] == sorted(small_frames)
    hashes = {}
    for symbol, entry in document["files"].items():
        content = (cache / entry["file"]).read_bytes()
        hashes[symbol] = hashlib.sha256(content).hexdigest()
        assert entry["sha256"] == hashes[symbol]
        assert entry["rows"] == len(small_frames[symbol]) == content.count(b"\n") - 1
        assert entry["first_date"] == f"{small_frames[symbol].index[0]:%Y-%m-%d}"
        assert entry["last_date"] == f"{small_frames[symbol].index[-1]:%Y-%m-%d}"
    assert document["snapshot_id"] == snapshot_id(hashes)
    assert len(document["snapshot_id"]) == 16


def test_a_cache_is_also_a_plain_data_directory(cache: Path) -> None:
    cached = load_market_data(cache)
    (cache / "manifest.json").unlink()
    plain = load_market_data(cache)
    assert plain.snapshot_id == cached.snapshot_id
    assert (plain.provider, plain.synthetic, plain.as_of) == ("dir", False, None)
    for symbol in cached.symbols:
        pd.testing.assert_frame_equal(plain.bars[symbol], cached.bars[symbol])


def test_a_changed_byte_is_refused_as_bad_data(cache: Path) -> None:
    target = cache / "QQQ.csv"
    content = bytearray(target.read_bytes())
    content[200] = ord("9") if content[200] != ord("9") else ord("8")
    target.write_bytes(bytes(content))
    with pytest.raises(DataError, match=r"QQQ\.csv: checksum mismatch") as caught:
        load_market_data(cache)
    assert caught.value.reason == "bad_data"


def test_a_truncated_or_missing_file_is_refused(cache: Path) -> None:
    target = cache / "TLT.csv"
    target.write_bytes(target.read_bytes()[:-30])
    with pytest.raises(DataError, match=r"TLT\.csv: checksum mismatch"):
        load_market_data(cache, ["TLT"])
    (cache / "TMF.csv").unlink()
    with pytest.raises(DataError, match=r"TMF\.csv: listed in manifest\.json but missing"):
        load_market_data(cache, ["TMF"])


def test_a_damaged_manifest_is_refused(cache: Path) -> None:
    (cache / "manifest.json").write_text("{not json")
    with pytest.raises(DataError, match="unreadable manifest") as caught:
        load_market_data(cache)
    assert caught.value.reason == "bad_data"


def test_symbol_subsets_and_unknown_symbols(cache: Path) -> None:
    data = load_market_data(cache, ["TQQQ", "QQQ"])
    assert data.symbols == ["QQQ", "TQQQ"]
    assert data.snapshot_id == read_manifest(cache).snapshot_id
    with pytest.raises(DataError, match="SPY: no such symbol") as caught:
        load_market_data(cache, ["QQQ", "SPY"])
    assert caught.value.reason == "bad_data"


def test_rewrite_replaces_the_symbol_set_and_leaves_no_temporary_files(
    cache: Path, small_frames: dict[str, pd.DataFrame]
) -> None:
    write_cache(cache, {"QQQ": small_frames["QQQ"]}, provider="synthetic", synthetic=True)
    assert sorted(p.name for p in cache.iterdir()) == [".lock", "QQQ.csv", "manifest.json"]
    assert load_market_data(cache).symbols == ["QQQ"]


def test_invalid_frames_leave_the_cache_untouched(
    cache: Path, small_frames: dict[str, pd.DataFrame]
) -> None:
    before = read_manifest(cache).snapshot_id
    broken = small_frames["QQQ"].copy()
    broken.iloc[10, broken.columns.get_loc("close")] = float("nan")
    with pytest.raises(DataError, match=r"QQQ: row .*: close is NaN"):
        write_cache(cache, {"QQQ": broken}, provider="synthetic", synthetic=True)
    assert load_market_data(cache).snapshot_id == before


def test_missing_directory_is_bad_data(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such data directory"):
        load_market_data(tmp_path / "nowhere")


WRITER = """
import sys
from datetime import date
from stratops.core.marketdata import SyntheticProvider, write_cache

cache, rounds = sys.argv[1], int(sys.argv[2])
symbols = ["QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV"]
span = (date(2010, 3, 1), date(2011, 6, 30))
sets = [SyntheticProvider(seed=s).fetch(symbols, *span) for s in (1, 2)]
for i in range(rounds):
    write_cache(cache, sets[i % 2], provider="synthetic", synthetic=True)
"""


def test_a_reader_never_sees_a_mix_of_two_writes(tmp_path: Path) -> None:
    symbols = ["QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV"]
    sets = [
        SyntheticProvider(seed=s).fetch(symbols, date(2010, 3, 1), date(2011, 6, 30))
        for s in (1, 2)
    ]
    expected = {}
    for frames in sets:
        data = market_data_from_frames(frames, "synthetic", True)
        expected[data.snapshot_id] = data
    cache = tmp_path / "cache"
    write_cache(cache, sets[0], provider="synthetic", synthetic=True)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(cache), "20"])
    seen: list[str] = []
    try:
        while writer.poll() is None:
            data = load_market_data(cache)
            assert data.snapshot_id in expected
            for symbol in symbols:
                want = expected[data.snapshot_id].bars[symbol]
                pd.testing.assert_frame_equal(data.bars[symbol], want)
            seen.append(data.snapshot_id)
            time.sleep(
                0.01
            )  # real readers come and go; a reader that never lets go starves writers
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0
    assert len(set(seen)) == 2, "the reader should have observed both snapshots"


HOLDER = """
import sys, time
from pathlib import Path
from stratops.core.marketdata.cache import cache_lock

cache, signals = Path(sys.argv[1]), Path(sys.argv[2])
with cache_lock(cache, exclusive=True):
    (signals / "held").touch()
    while not (signals / "release").exists():
        time.sleep(0.02)
"""


def test_the_lock_serialises_writers(tmp_path: Path, small_frames: dict[str, pd.DataFrame]) -> None:
    cache, signals = tmp_path / "cache", tmp_path / "signals"
    cache.mkdir()
    signals.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(cache), str(signals)])
    try:
        _wait_for(signals / "held", holder)
        with pytest.raises(UserError, match="locked by another writer"):
            write_cache(cache, small_frames, provider="synthetic", synthetic=True, lock_timeout=0.2)
        writes: list[str] = []

        def write() -> None:
            manifest = write_cache(cache, small_frames, provider="synthetic", synthetic=True)
            writes.append(manifest.snapshot_id)

        second = threading.Thread(target=write)
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the second writer must wait for the lock"
        assert not (cache / "manifest.json").exists()
        (signals / "release").touch()
        second.join(timeout=30)
    finally:
        (signals / "release").touch()
        holder.wait(timeout=30)
    assert not second.is_alive()
    assert writes == [load_market_data(cache).snapshot_id]


def _wait_for(marker: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, "the lock holder exited early"
        assert time.monotonic() < deadline, "the lock holder never took the lock"
        time.sleep(0.02)


def test_symbols_must_be_safe_file_names(
    tmp_path: Path, small_frames: dict[str, pd.DataFrame]
) -> None:
    with pytest.raises(UserError, match=r"'\.\./QQQ' is not a valid symbol"):
        write_cache(tmp_path, {"../QQQ": small_frames["QQQ"]}, provider="x", synthetic=False)
    assert not any(tmp_path.parent.glob("QQQ.csv"))


def test_a_manifest_pointing_outside_its_symbol_file_is_refused(cache: Path) -> None:
    manifest = json.loads((cache / "manifest.json").read_text())
    manifest["files"]["QQQ"]["file"] = "../elsewhere.csv"
    (cache / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match=r"QQQ points to '\.\./elsewhere\.csv'"):
        load_market_data(cache)


def test_an_unwritable_location_is_a_clear_error(
    tmp_path: Path, small_frames: dict[str, pd.DataFrame]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(UserError, match="cannot write the cache"):
        write_cache(blocker / "cache", small_frames, provider="x", synthetic=False)
