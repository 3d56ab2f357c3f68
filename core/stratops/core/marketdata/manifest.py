"""`manifest.json`: what a cache holds and the checksums that prove it is whole.

Written last (after every data file is in place) so that a manifest always
describes complete files; readers check each file against it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.fileformat import sha256_hex, snapshot_id

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class FileEntry:
    """One symbol's file: name, size in rows, date range and sha256 of its bytes."""

    file: str
    rows: int
    first_date: str
    last_date: str
    sha256: str

    @classmethod
    def describe(cls, symbol: str, frame: pd.DataFrame, data: bytes) -> FileEntry:
        index = frame.index
        return cls(
            file=f"{symbol}.csv",
            rows=len(frame),
            first_date=f"{index[0]:%Y-%m-%d}",
            last_date=f"{index[-1]:%Y-%m-%d}",
            sha256=sha256_hex(data),
        )


@dataclass(frozen=True)
class Manifest:
    """The cache's table of contents; `snapshot_id` is derived from the file hashes only."""

    as_of: datetime
    provider: str
    synthetic: bool
    files: Mapping[str, FileEntry]
    format_version: int = FORMAT_VERSION

    @property
    def symbols(self) -> list[str]:
        return sorted(self.files)

    @property
    def snapshot_id(self) -> str:
        return snapshot_id({symbol: entry.sha256 for symbol, entry in self.files.items()})

    def to_json(self) -> bytes:
        document = {
            "format_version": self.format_version,
            "as_of": self.as_of.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "provider": self.provider,
            "synthetic": self.synthetic,
            "symbols": self.symbols,
            "snapshot_id": self.snapshot_id,
            "files": {s: vars(self.files[s]) for s in self.symbols},
        }
        return (json.dumps(document, indent=2) + "\n").encode()

    @classmethod
    def from_json(cls, data: bytes, source: str) -> Manifest:
        """Parse a manifest, refusing (bad_data) anything malformed or from a newer format."""
        try:
            document = json.loads(data)
            manifest = cls._from_document(document)
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{source}: unreadable manifest ({exc})") from None
        if manifest.format_version != FORMAT_VERSION:
            raise DataError(f"{source}: unsupported format_version {manifest.format_version}")
        for symbol, entry in manifest.files.items():
            if entry.file != f"{symbol}.csv":
                raise DataError(f"{source}: {symbol} points to {entry.file!r}, not {symbol}.csv")
        if document.get("snapshot_id") != manifest.snapshot_id:
            raise DataError(f"{source}: snapshot_id does not match the file hashes")
        return manifest

    @classmethod
    def _from_document(cls, document: dict[str, Any]) -> Manifest:
        files = {symbol: FileEntry(**entry) for symbol, entry in document["files"].items()}
        return cls(
            as_of=datetime.fromisoformat(document["as_of"]),
            provider=str(document["provider"]),
            synthetic=bool(document["synthetic"]),
            files=files,
            format_version=int(document["format_version"]),
        )
