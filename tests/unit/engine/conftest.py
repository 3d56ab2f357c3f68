"""Fixtures of the engine tests (builders live in builders.py)."""

from __future__ import annotations

import pytest

from stratops.core.marketdata.frames import MarketData

from .builders import REAL_DATA


@pytest.fixture(scope="session")
def real_data() -> MarketData:
    """The six real daily series of ../shared/data (skip when absent)."""
    if not (REAL_DATA / "QQQ.csv").exists():
        pytest.skip("real data ../shared/data is absent")
    from stratops.core.marketdata.cache import load_market_data

    return load_market_data(REAL_DATA)
