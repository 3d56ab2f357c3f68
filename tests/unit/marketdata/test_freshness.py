"""Freshness and completeness against the NYSE calendar: what a runner checks before trading."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from stratops.core.marketdata import (
    DataError,
    data_status,
    market_data_from_frames,
    require_complete,
    require_fresh,
)
from stratops.core.marketdata.frames import MarketData


@pytest.fixture
def data(small_frames: dict[str, pd.DataFrame]) -> MarketData:
    return market_data_from_frames(small_frames, "synthetic", True)


def test_status_after_the_last_bar_is_fresh(data: MarketData) -> None:
    statuses = data_status(data, datetime(2011, 12, 30, 21, 30, tzinfo=UTC))
    assert all(s.fresh and s.freshness == "fresh" for s in statuses)
    assert {s.missing_sessions for s in statuses} == {0}


def test_status_a_session_later_is_stale(data: MarketData) -> None:
    statuses = data_status(data, datetime(2012, 1, 4, 12, 0, tzinfo=UTC))
    assert {s.freshness for s in statuses} == {"stale: last bar 2011-12-30, expected 2012-01-03"}


def test_open_timing_expects_the_session_that_has_opened(data: MarketData) -> None:
    (status, *_) = data_status(data, datetime(2012, 1, 3, 14, 45, tzinfo=UTC), "open")
    assert status.expected == date(2012, 1, 3)
    assert not status.fresh


def test_require_fresh_raises_stale_data(data: MarketData) -> None:
    require_fresh(data, date(2011, 12, 30))
    with pytest.raises(
        DataError, match="stale: last bar 2011-12-30, expected 2012-01-03"
    ) as caught:
        require_fresh(data, date(2012, 1, 3), ["QQQ"])
    assert (caught.value.reason, caught.value.exit_code) == ("stale_data", 3)


def test_require_complete_finds_missing_sessions_and_non_sessions(
    small_frames: dict[str, pd.DataFrame],
) -> None:
    require_complete(market_data_from_frames(small_frames, "synthetic", True))
    gappy = small_frames["QQQ"].drop(index=[pd.Timestamp("2011-03-08"), pd.Timestamp("2011-03-09")])
    with pytest.raises(DataError, match="QQQ: 2 NYSE session\\(s\\) missing, first 2011-03-08"):
        require_complete(market_data_from_frames({"QQQ": gappy}, "synthetic", True))
    weekend = small_frames["QQQ"].rename(
        index={pd.Timestamp("2011-03-11"): pd.Timestamp("2011-03-12")}
    )
    with pytest.raises(DataError, match="QQQ: row 2011-03-12: not an NYSE session"):
        require_complete(market_data_from_frames({"QQQ": weekend}, "synthetic", True))
    status = data_status(market_data_from_frames({"QQQ": gappy}, "synthetic", True))[0]
    assert (status.missing_sessions, status.first_missing) == (2, date(2011, 3, 8))
