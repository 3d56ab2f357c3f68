"""Fixtures of the engine tests (builders live in builders.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratops.core.marketdata.frames import MarketData


@pytest.fixture(scope="session")
def real_data(real_data_dir: Path) -> MarketData:
    """The six real daily series of ../shared/data (skip when absent)."""
    from stratops.core.marketdata.cache import load_market_data

    return load_market_data(real_data_dir)
