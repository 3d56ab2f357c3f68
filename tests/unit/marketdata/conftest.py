"""Shared fixtures for the market-data tests: real data (when present) and small synthetic sets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from stratops.core.marketdata.synthetic import SyntheticProvider

PROJECT_ROOT = Path(__file__).parents[3]
FIXTURES = PROJECT_ROOT / "tests/fixtures/marketdata"
SIX = ("QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV")


@pytest.fixture
def real_data(real_data_dir: Path) -> Path:
    return real_data_dir


@pytest.fixture(scope="session")
def small_frames() -> dict[str, pd.DataFrame]:
    """Two years of all six synthetic symbols: realistic, yet quick to write and read."""
    return SyntheticProvider(seed=5).fetch(SIX, date(2010, 1, 4), date(2011, 12, 30))
