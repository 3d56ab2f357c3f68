"""Shared fixtures for the market-data tests: real data (when present) and small synthetic sets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from stratops.core.marketdata.synthetic import SyntheticProvider

PROJECT_ROOT = Path(__file__).parents[3]
REAL_DATA = PROJECT_ROOT / "../shared/data"
FIXTURES = PROJECT_ROOT / "tests/fixtures/marketdata"
SIX = ("QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV")


@pytest.fixture
def real_data() -> Path:
    """The shared folder of real daily prices; tests using it skip cleanly when it is absent."""
    if not (REAL_DATA / "QQQ.csv").is_file():
        pytest.skip(f"real price data not found at {REAL_DATA}")
    return REAL_DATA.resolve()


@pytest.fixture(scope="session")
def small_frames() -> dict[str, pd.DataFrame]:
    """Two years of all six synthetic symbols: realistic, yet quick to write and read."""
    return SyntheticProvider(seed=5).fetch(SIX, date(2010, 1, 4), date(2011, 12, 30))
