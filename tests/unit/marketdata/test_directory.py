"""Directory provider: the real shared data, Parquet files, and the CSV edge cases users hit."""

from __future__ import annotations

import hashlib
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from stratops.core.marketdata import (
    DataError,
    DirectoryProvider,
    load_market_data,
    require_complete,
    write_cache,
)
from stratops.core.marketdata.fileformat import encode_csv

SIX = ["QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV"]


@pytest.mark.realdata
def test_reads_the_real_shared_data(real_data: Path) -> None:
    frames = DirectoryProvider(real_data).fetch(SIX)
    assert len(frames["QQQ"]) == 4276
    assert frames["TQQQ"].index[0] == pd.Timestamp("2010-02-11")
    assert frames["QQQ"].index[-1] == pd.Timestamp("2025-12-31")
    assert frames["QQQ"].loc["2025-12-31", "adj_close"] == frames["QQQ"].loc["2025-12-31", "close"]


@pytest.mark.realdata
def test_real_data_loads_fast_complete_and_unlabelled(real_data: Path) -> None:
    load_market_data(real_data)  # warm the calendar and imports
    started = time.perf_counter()
    data = load_market_data(real_data)
    elapsed = time.perf_counter() - started
    assert data.symbols == sorted(SIX)
    assert (data.provider, data.synthetic) == ("dir", False)
    require_complete(data)
    assert elapsed < 1.0, f"loading six CSVs took {elapsed:.3f}s"


@pytest.mark.realdata
def test_a_cache_of_real_data_reproduces_the_files_byte_for_byte(
    real_data: Path, tmp_path: Path
) -> None:
    frames = DirectoryProvider(real_data).fetch(SIX)
    manifest = write_cache(tmp_path, frames, provider="dir", synthetic=False)
    for symbol in SIX:
        source = hashlib.sha256((real_data / f"{symbol}.csv").read_bytes()).hexdigest()
        assert manifest.files[symbol].sha256 == source
    assert manifest.snapshot_id == load_market_data(real_data).snapshot_id


def test_parquet_files_are_read_like_csv(
    tmp_path: Path, small_frames: dict[str, pd.DataFrame]
) -> None:
    pytest.importorskip("pyarrow")
    frame = small_frames["TLT"]
    frame.reset_index().to_parquet(tmp_path / "TLT.parquet")
    loaded = DirectoryProvider(tmp_path).fetch(["TLT"])["TLT"]
    pd.testing.assert_frame_equal(loaded, frame)
    assert load_market_data(tmp_path).symbols == ["TLT"]


def test_one_symbol_in_two_formats_is_ambiguous(
    tmp_path: Path, small_frames: dict[str, pd.DataFrame]
) -> None:
    (tmp_path / "TLT.csv").write_bytes(encode_csv(small_frames["TLT"]))
    (tmp_path / "TLT.parquet").write_bytes(b"")
    with pytest.raises(DataError, match=r"TLT: both TLT\.csv and TLT\.parquet"):
        DirectoryProvider(tmp_path).fetch(["TLT"])


def test_csv_without_adj_close_uses_close(tmp_path: Path) -> None:
    (tmp_path / "ABC.csv").write_text(
        "date,open,high,low,close,volume\n"
        "2024-03-04,10,11,9.5,10.5,1000\n"
        "2024-03-05,10.5,10.8,10.1,10.2,1200\n"
    )
    frame = DirectoryProvider(tmp_path).fetch(["ABC"])["ABC"]
    assert frame["adj_close"].tolist() == [10.5, 10.2]
    assert frame["volume"].dtype == "float64"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("date,open,high,low,close\n2024-03-04,1,1,1,1\n", "ABC: missing column\\(s\\) volume"),
        (
            "date,open,high,low,close,volume\n03/04/2024,1,1,1,1,5\n",
            "ABC: row #1: date '03/04/2024'",
        ),
        (
            "date,open,high,low,close,volume\n2024-03-04,1,1,1,,5\n",
            "ABC: row 2024-03-04: close is NaN",
        ),
        ("date,open,high,low,close,volume\n2024-03-04,1,1,1,x,5\n", "ABC: unreadable CSV"),
    ],
)
def test_bad_csv_files_name_the_problem(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "ABC.csv").write_text(content)
    with pytest.raises(DataError, match=message):
        DirectoryProvider(tmp_path).fetch(["ABC"])


def test_date_range_and_empty_ranges(tmp_path: Path, small_frames: dict[str, pd.DataFrame]) -> None:
    (tmp_path / "QQQ.csv").write_bytes(encode_csv(small_frames["QQQ"]))
    provider = DirectoryProvider(tmp_path)
    frame = provider.fetch(["QQQ"], date(2010, 6, 1), date(2010, 6, 30))["QQQ"]
    assert (frame.index[0], frame.index[-1]) == (
        pd.Timestamp("2010-06-01"),
        pd.Timestamp("2010-06-30"),
    )
    with pytest.raises(DataError, match="QQQ: no rows between"):
        provider.fetch(["QQQ"], date(2030, 1, 1), None)


def test_hidden_and_foreign_files_are_not_symbols(
    tmp_path: Path, small_frames: dict[str, pd.DataFrame]
) -> None:
    (tmp_path / "QQQ.csv").write_bytes(encode_csv(small_frames["QQQ"]))
    (tmp_path / ".QQQ.csv.abc.tmp").write_text("partial")
    (tmp_path / "notes.txt").write_text("hello")
    assert load_market_data(tmp_path).symbols == ["QQQ"]
