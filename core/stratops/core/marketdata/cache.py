"""The shared market-data cache: one CSV per symbol plus `manifest.json`.

Every file is written to a temporary name in the same directory, fsynced and
renamed into place, and the manifest goes last, so no reader ever opens half
a file. Writers hold an exclusive `flock` on `DIR/.lock` for the whole write;
readers hold a shared one while they read, so they never mix files from two
writes. A writer killed half-way leaves files that disagree with the
manifest: readers refuse them (bad_data) until the next fetch repairs them.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from stratops.core.atomic import atomic_write, fsync_directory
from stratops.core.errors import UserError
from stratops.core.marketdata.directory import (
    pick,
    read_symbol_file,
    symbol_files,
)
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.fileformat import check_symbol, encode_csv, sha256_hex, snapshot_id
from stratops.core.marketdata.frames import BAR_COLUMNS, MarketData
from stratops.core.marketdata.manifest import MANIFEST_NAME, FileEntry, Manifest
from stratops.core.marketdata.validation import validate_bars

LOCK_NAME = ".lock"
DEFAULT_LOCK_TIMEOUT = 600.0
_POLL_SECONDS = 0.01


@contextmanager
def cache_lock(
    path: Path, *, exclusive: bool, timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Iterator[None]:
    """Hold `DIR/.lock` (exclusive for writers, shared for readers) until the block ends.

    A reader on a volume where the lock file is absent or not readable goes
    without: nothing can be writing there through this module.
    """
    fd = _open_lock(path, exclusive)
    if fd is None:
        yield
        return
    try:
        _acquire(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, timeout, path)
        yield
    finally:
        os.close(fd)


def _open_lock(path: Path, exclusive: bool) -> int | None:
    if exclusive:
        return os.open(path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        return os.open(path / LOCK_NAME, os.O_RDONLY)
    except (FileNotFoundError, PermissionError):
        return None


def _acquire(fd: int, operation: int, timeout: float, path: Path) -> None:
    """Poll a non-blocking flock so a stuck writer turns into a clear error, not a hang."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise UserError(
                    f"{path}: cache is locked by another writer (waited {timeout:g}s)"
                ) from None
            time.sleep(_POLL_SECONDS)


def write_cache(
    path: Path | str,
    frames: Mapping[str, pd.DataFrame],
    *,
    provider: str,
    synthetic: bool,
    as_of: datetime | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Manifest:
    """Replace the cache at `path` with `frames`; returns the manifest written.

    Encoding happens before the lock is taken so that writers block each
    other only for the file writes themselves. Symbol files of the previous
    manifest that the new one lacks are removed after the manifest is in place.
    """
    if not frames:
        raise UserError("nothing to write: no symbols")
    validated = {check_symbol(s): validate_bars(s, f) for s, f in frames.items()}
    encoded = {s: encode_csv(f) for s, f in validated.items()}
    entries = {s: FileEntry.describe(s, validated[s], data) for s, data in encoded.items()}
    manifest = Manifest(as_of or datetime.now(UTC), provider, synthetic, entries)
    try:
        _replace_files(Path(path), encoded, manifest, lock_timeout)
    except OSError as exc:
        raise UserError(f"{path}: cannot write the cache ({exc.strerror or exc})") from None
    return manifest


def _replace_files(
    directory: Path, encoded: Mapping[str, bytes], manifest: Manifest, lock_timeout: float
) -> None:
    """Under the writer lock: data files, then the manifest, then drop files it no longer lists."""
    directory.mkdir(parents=True, exist_ok=True)
    with cache_lock(directory, exclusive=True, timeout=lock_timeout):
        previous = _previous_files(directory)
        for symbol, data in encoded.items():
            atomic_write(directory / manifest.files[symbol].file, data)
        atomic_write(directory / MANIFEST_NAME, manifest.to_json())
        for name in previous - {entry.file for entry in manifest.files.values()}:
            (directory / name).unlink(missing_ok=True)
        fsync_directory(directory)


def _previous_files(directory: Path) -> set[str]:
    try:
        old = read_manifest(directory)
    except DataError:
        return set()
    return {entry.file for entry in old.files.values()}


def read_manifest(path: Path | str) -> Manifest:
    """The manifest of a cache (bad_data when absent or malformed)."""
    target = Path(path) / MANIFEST_NAME
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{Path(path)}: no {MANIFEST_NAME}: not a market-data cache") from None
    return Manifest.from_json(data, str(target))


def load_market_data(path: Path | str, symbols: Sequence[str] | None = None) -> MarketData:
    """Load validated bars from a cache (checksums verified) or a plain data directory.

    This is what backtests and runners call. `symbols=None` loads every symbol.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise DataError(f"{directory}: no such data directory")
    if (directory / MANIFEST_NAME).exists():
        with cache_lock(directory, exclusive=False):
            return _load_cache(directory, symbols)
    return _load_directory(directory, symbols)


def _load_cache(directory: Path, symbols: Sequence[str] | None) -> MarketData:
    manifest = read_manifest(directory)
    bars = {}
    for symbol in pick(manifest.files, symbols, str(directory)):
        entry = manifest.files[symbol]
        bars[symbol] = _bars(
            read_symbol_file(symbol, directory / entry.file, _verified(directory, entry))
        )
    return MarketData(
        bars, manifest.snapshot_id, manifest.provider, manifest.synthetic, manifest.as_of
    )


def _verified(directory: Path, entry: FileEntry) -> bytes:
    """The file's bytes, after proving they are the ones the manifest describes."""
    try:
        data = (directory / entry.file).read_bytes()
    except FileNotFoundError:
        raise DataError(f"{entry.file}: listed in {MANIFEST_NAME} but missing") from None
    except OSError as exc:
        raise DataError(f"{entry.file}: unreadable ({exc.strerror or exc})") from None
    if sha256_hex(data) != entry.sha256:
        raise DataError(
            f"{entry.file}: checksum mismatch with {MANIFEST_NAME} (changed or truncated)"
        )
    return data


def _load_directory(directory: Path, symbols: Sequence[str] | None) -> MarketData:
    files = symbol_files(directory)
    if not files:
        raise DataError(f"{directory}: no SYMBOL.csv or SYMBOL.parquet files")
    contents = {symbol: path.read_bytes() for symbol, path in files.items()}
    bars = {
        s: _bars(read_symbol_file(s, files[s], contents[s]))
        for s in pick(files, symbols, str(directory))
    }
    hashes = {symbol: sha256_hex(data) for symbol, data in contents.items()}
    return MarketData(bars, snapshot_id(hashes), provider="dir", synthetic=False)


def _bars(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reindex(columns=list(BAR_COLUMNS))
