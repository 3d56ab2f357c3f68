"""Realised profit and loss of every closing fill, at average cost (pure, plus one query).

A buy adds its value and commission to the symbol's cost basis; a sell
realises its proceeds, less its commission, against the average cost of the
shares it closes. Slippage is already inside the fill price (the broker fills
buys above and sells below the reference price), so it is reported beside the
fills, never subtracted twice. A round trip runs from a flat position back to flat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from stratops.api.schemas import Model
from stratops.core.db.models import Trade


class RoundTrip(Model):
    symbol: str
    opened: dt.date
    closed: dt.date | None = Field(description="None while the position is still open.")
    shares_bought: int
    pnl: float = Field(description="Realised dollars, after commissions.")
    return_pct: float | None = Field(description="Realised P&L over the cost of the buys.")
    commission: float
    slippage: float = Field(description="Dollars, already inside the fill prices.")


class RoundTrips(Model):
    strategy_id: str
    realized_by_fill: dict[int, float] = Field(
        description="Trade id -> realised P&L of that closing fill (sells only)."
    )
    trips: list[RoundTrip] = Field(description="Oldest first.")


@dataclass
class _Open:
    """A position being built: shares, cost basis and the trip it belongs to so far."""

    opened: dt.date
    shares: int = 0
    basis: float = 0.0
    bought: int = 0
    cost: float = 0.0
    pnl: float = 0.0
    commission: float = 0.0
    slippage: float = 0.0
    fills: list[int] = field(default_factory=list)

    def trip(self, symbol: str, closed: dt.date | None) -> RoundTrip:
        return RoundTrip(
            symbol=symbol,
            opened=self.opened,
            closed=closed,
            shares_bought=self.bought,
            pnl=round(self.pnl, 2),
            return_pct=self.pnl / self.cost * 100.0 if self.cost else None,
            commission=round(self.commission, 2),
            slippage=round(self.slippage, 2),
        )


def round_trips(strategy_id: str, fills: Iterable[Any]) -> RoundTrips:
    """`fills` in execution order, each with id, trade_date, symbol, action, quantity,
    value, commission, slippage."""
    realized: dict[int, float] = {}
    trips: list[RoundTrip] = []
    books: dict[str, _Open] = {}
    for f in fills:
        book = books.setdefault(f.symbol, _Open(opened=f.trade_date))
        commission, slippage = float(f.commission or 0.0), float(f.slippage or 0.0)
        book.commission += commission
        book.slippage += slippage
        if f.action == "BUY":
            book.shares += f.quantity
            book.bought += f.quantity
            book.basis += f.value + commission
            book.cost += f.value + commission
            continue
        closing = min(f.quantity, book.shares)
        average = book.basis / book.shares if book.shares else 0.0
        pnl = f.value - commission - average * closing
        realized[f.id] = round(pnl, 2)
        book.pnl += pnl
        book.basis -= average * closing
        book.shares -= closing
        if book.shares == 0:
            trips.append(book.trip(f.symbol, f.trade_date))
            del books[f.symbol]
    trips.extend(book.trip(symbol, None) for symbol, book in books.items())
    trips.sort(key=lambda t: (t.opened, t.symbol))
    return RoundTrips(strategy_id=strategy_id, realized_by_fill=realized, trips=trips)


def fills(session: Session, strategy_id: str) -> list[Any]:
    query = (
        select(
            Trade.id,
            Trade.trade_date,
            Trade.symbol,
            Trade.action,
            Trade.quantity,
            Trade.value,
            Trade.commission,
            Trade.slippage,
        )
        .where(Trade.strategy_id == strategy_id)
        .order_by(Trade.timestamp, Trade.id)
    )
    return list(session.execute(query).all())
