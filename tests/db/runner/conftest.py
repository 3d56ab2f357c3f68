"""Fixtures of the runner's database tests: synthetic market data and a place to run.

The market data is fetched once per session through the real
`stratops data fetch --provider synthetic` (deterministic), so these tests
need nothing outside the project. `place` gives each test its own database
(SQLite and Postgres, from tests/conftest.py), state folder and that cache.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stratops.core.marketdata.synthetic import SyntheticProvider

from .support import DATA_END, DATA_START, SYMBOLS, Place, cli

RUNNER_VARIABLES = (
    "STRATOPS_ALERT_WEBHOOK_URL",
    "STRATOPS_STATE_DIR",
    "STRATOPS_DB_URL",
    "STRATOPS_DATA_DIR",
)


@pytest.fixture(autouse=True)
def _no_runner_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runner settings come from the test, never from the developer's shell."""
    for name in RUNNER_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def market_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic cache, 2016-2025, written by the real `stratops data fetch`."""
    cache = tmp_path_factory.mktemp("market") / "cache"
    done = cli(
        *("data", "fetch", "--provider", "synthetic", "--symbols", ",".join(SYMBOLS)),
        *("--start", DATA_START.isoformat(), "--end", DATA_END.isoformat(), "--cache", cache),
    )
    assert done.returncode == 0, done.stderr
    return cache


@pytest.fixture(scope="session")
def market_frames() -> dict[str, pd.DataFrame]:
    """The same bars as `market_cache`, as frames to damage in the data-gate tests."""
    frames = SyntheticProvider().fetch(list(SYMBOLS), DATA_START, DATA_END)
    return {symbol: frames[symbol] for symbol in SYMBOLS}


@pytest.fixture
def place(migrated_db_url: str, market_cache: Path, tmp_path: Path) -> Place:
    return Place(db=migrated_db_url, data=market_cache, state=tmp_path / "state")


@pytest.fixture
def real_data(real_data_dir: Path) -> Path:
    return real_data_dir
