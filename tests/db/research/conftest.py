"""Fixtures of the sweep tests: a synthetic cache and a small sweep manifest next to a base."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import SYMBOLS, cli


@pytest.fixture(scope="session")
def market_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic cache, 2016-2019, written by the real `stratops data fetch`."""
    cache = tmp_path_factory.mktemp("market") / "cache"
    done = cli(
        *("data", "fetch", "--provider", "synthetic", "--symbols", ",".join(SYMBOLS)),
        *("--start", "2016-01-04", "--end", "2019-12-31", "--cache", cache),
    )
    assert done.returncode == 0, done.stderr
    return cache
