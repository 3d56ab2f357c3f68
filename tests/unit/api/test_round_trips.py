"""Realised P&L at average cost, on fills worked out by hand."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest

from stratops.api.round_trips import round_trips

D = dt.date(2024, 6, 3)


class Fill(NamedTuple):
    id: int
    trade_date: dt.date
    symbol: str
    action: str
    quantity: int
    value: float
    commission: float | None
    slippage: float | None


def test_average_cost_and_round_trips() -> None:
    fills = [
        Fill(1, D, "QQQ", "BUY", 10, 1000.0, 1.0, 0.5),  # basis 1001
        Fill(2, D + dt.timedelta(1), "QQQ", "BUY", 10, 1200.0, 1.0, 0.5),  # basis 2202, 20 sh
        Fill(3, D + dt.timedelta(2), "QQQ", "SELL", 5, 650.0, 0.5, 0.2),  # 650-0.5-550.5
        Fill(4, D + dt.timedelta(3), "TLT", "BUY", 4, 400.0, None, None),
        Fill(5, D + dt.timedelta(4), "QQQ", "SELL", 15, 1500.0, 1.5, 0.3),  # 1500-1.5-1651.5
    ]
    body = round_trips("s", fills)
    assert body.realized_by_fill == {3: 99.0, 5: -153.0}
    closed, still_open = body.trips
    assert (closed.symbol, closed.opened, closed.closed) == ("QQQ", D, D + dt.timedelta(4))
    assert closed.pnl == pytest.approx(-54.0)
    assert closed.return_pct == pytest.approx(-54.0 / 2202.0 * 100)
    assert (closed.commission, closed.slippage, closed.shares_bought) == (4.0, 1.5, 20)
    assert (still_open.symbol, still_open.closed, still_open.pnl) == ("TLT", None, 0.0)


def test_a_new_trip_starts_after_the_position_is_flat() -> None:
    fills = [
        Fill(1, D, "QQQ", "BUY", 1, 100.0, 0.0, 0.0),
        Fill(2, D + dt.timedelta(1), "QQQ", "SELL", 1, 110.0, 0.0, 0.0),
        Fill(3, D + dt.timedelta(2), "QQQ", "BUY", 2, 220.0, 0.0, 0.0),
    ]
    trips = round_trips("s", fills).trips
    assert [(t.opened, t.closed, t.pnl) for t in trips] == [
        (D, D + dt.timedelta(1), 10.0),
        (D + dt.timedelta(2), None, 0.0),
    ]
