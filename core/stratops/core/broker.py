"""Paper broker: the portfolio state a run persists and the §4.6/§4.7 order rules.

Same-session prices only: every order of session D fills at the instrument's
own reference price for D (its open or its close, per `spec.execution.timing`),
plus or minus slippage. Long only, no margin, whole shares, cash earns nothing.

Two rebalance policies, identical in backtest and live run:

* `target_change` (§4.6): rebalance when the L1 distance over the held
  instruments between the new targets and the remembered ones exceeds the
  threshold (strict). Targets are then checked for viability (no price for the
  session, or less than one share's worth -> 0, the slice stays cash); orders go
  in two phases over the fixed instrument order, reduce then increase; an
  instrument whose target equals the remembered one gets no order; a zero
  target always closes the position. The validated targets are remembered.
* `drift`: every session with a decision, any instrument whose value is off its
  (viable) target by at least `rebalance_threshold_pct` % of equity is resized,
  all sells before all buys; a zero target sells everything.

Sizing (§4.7): with PV = cash + Σ qty·p recomputed before each order, a buy is
`floor(min(ΔV, cash) / (p(1+slip) + comm))` shares, a sell
`trunc(ΔV / (p(1−slip)))` (never more than held); fewer than one share -> no
order.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Side = Literal["buy", "sell"]


@dataclass(frozen=True)
class PortfolioState:
    """What a live run persists: cash, whole-share positions, remembered targets, last session."""

    cash: float
    positions: Mapping[str, int]
    targets: Mapping[str, float]
    last_trade_date: dt.date | None = None

    @classmethod
    def initial(cls, capital: float) -> PortfolioState:
        """All cash, no remembered targets: the first decision allocates fully (§4.6)."""
        return cls(cash=float(capital), positions={}, targets={})

    def on(self, date: dt.date) -> PortfolioState:
        """The same holdings, stepped through `date` (a session without trades)."""
        return PortfolioState(self.cash, self.positions, self.targets, date)

    def value(self, prices: Mapping[str, float]) -> float:
        """cash + Σ qty · price."""
        return self.cash + sum(q * prices[s] for s, q in self.positions.items())

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types; floats keep full precision (repr round-trips)."""
        return {
            "cash": self.cash,
            "positions": dict(sorted(self.positions.items())),
            "targets": dict(sorted(self.targets.items())),
            "last_trade_date": self.last_trade_date.isoformat() if self.last_trade_date else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PortfolioState:
        """Validate a persisted state; ValueError naming each bad field otherwise."""
        try:
            model = _StateModel.model_validate(data)
        except ValidationError as exc:
            problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
            raise ValueError("invalid portfolio state: " + "; ".join(problems)) from exc
        return cls(
            cash=model.cash,
            positions={s: q for s, q in model.positions.items() if q},
            targets=dict(model.targets),
            last_trade_date=model.last_trade_date,
        )


class _StateModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    cash: float = Field(ge=0, allow_inf_nan=False)
    positions: dict[str, int]
    targets: dict[str, float]
    last_trade_date: dt.date | None = Field(default=None, strict=False)

    @field_validator("positions")
    @classmethod
    def _long_only(cls, value: dict[str, int]) -> dict[str, int]:
        if any(q < 0 for q in value.values()):
            raise ValueError("positions must be whole, non-negative share counts")
        return value


@dataclass(frozen=True)
class Costs:
    """Commission in dollars per share; slippage as a fraction (spec's percent / 100)."""

    commission_per_share: float = 0.01
    slippage: float = 0.001


@dataclass(frozen=True)
class Fill:
    """One executed order at a session's reference price."""

    symbol: str
    side: Side
    quantity: int
    price: float
    reference_price: float
    commission: float
    slippage: float

    def to_json(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "side": self.side,
            "quantity": self.quantity,
            "price": self.price,
            "reference_price": self.reference_price,
            "commission": self.commission,
            "slippage": self.slippage,
        }


class _Book:
    """Mutable cash and positions while one session's orders execute."""

    def __init__(self, state: PortfolioState, prices: Mapping[str, float], costs: Costs) -> None:
        self.cash = state.cash
        self.positions = dict(state.positions)
        self.prices = prices
        self.costs = costs
        self.fills: list[Fill] = []

    def value(self) -> float:
        return self.cash + sum(q * self.prices[s] for s, q in self.positions.items())

    def buy(self, symbol: str, budget: float) -> None:
        """Whole shares worth up to min(budget, cash), costs included."""
        p = self.prices[symbol]
        fill = p * (1.0 + self.costs.slippage)
        shares = math.floor(min(budget, self.cash) / (fill + self.costs.commission_per_share))
        while shares >= 1 and shares * fill + shares * self.costs.commission_per_share > self.cash:
            shares -= 1  # rounding guard: never spend more than the cash held
        if shares >= 1:
            self._record(symbol, "buy", shares, fill, p)

    def sell(self, symbol: str, shares: int) -> None:
        shares = min(shares, self.positions.get(symbol, 0))
        if shares >= 1:
            p = self.prices[symbol]
            self._record(symbol, "sell", shares, p * (1.0 - self.costs.slippage), p)

    def _record(self, symbol: str, side: Side, shares: int, fill: float, ref: float) -> None:
        commission = shares * self.costs.commission_per_share
        sign = 1 if side == "buy" else -1
        self.cash -= sign * shares * fill + commission
        held = self.positions.get(symbol, 0) + sign * shares
        if held:
            self.positions[symbol] = held
        else:
            self.positions.pop(symbol, None)
        slip = abs(fill - ref) * shares
        self.fills.append(Fill(symbol, side, shares, fill, ref, commission, slip))

    def set_to_target(self, symbol: str, weight: float) -> None:
        """§4.7 "set to target w" against the portfolio value right now."""
        pv = self.value()
        p = self.prices[symbol]
        qty = self.positions.get(symbol, 0)
        if qty == 0:
            self.buy(symbol, weight * pv)
            return
        delta = weight - qty * p / pv
        if delta > 0:
            self.buy(symbol, delta * pv)
        elif delta < 0:
            self.sell(symbol, math.trunc(-delta * pv / (p * (1.0 - self.costs.slippage))))

    def close(self, symbol: str) -> None:
        self.sell(symbol, self.positions.get(symbol, 0))

    def state(self, targets: Mapping[str, float], date: dt.date) -> PortfolioState:
        return PortfolioState(self.cash, dict(self.positions), dict(targets), date)


def tradable(prices: Mapping[str, float], symbol: str) -> bool:
    p = prices.get(symbol, math.nan)
    return math.isfinite(p) and p > 0


def viable_targets(
    targets: Mapping[str, float], prices: Mapping[str, float], value: float
) -> dict[str, float]:
    """§4.6 step 1: no price this session, or less than one share's worth -> 0 (stays cash)."""
    out = {}
    for symbol, w in targets.items():
        ok = w <= 0 or (tradable(prices, symbol) and value * w >= prices[symbol])
        out[symbol] = w if ok else 0.0
    return out


def l1_distance(new: Mapping[str, float], old: Mapping[str, float], held: Sequence[str]) -> float:
    """Σ |new − old| over the held instruments (cash excluded), summed in `held` order."""
    total = 0.0
    for s in held:
        total += abs(new.get(s, 0.0) - old.get(s, 0.0))
    return total


@dataclass(frozen=True)
class Rebalance:
    """Outcome of one session's rebalance step."""

    state: PortfolioState
    fills: tuple[Fill, ...]
    fired: bool


@dataclass(frozen=True)
class Market:
    """A session's prices: `prices` to trade at (NaN: no bar), `marks` to value holdings.

    `marks` falls back to the last known close for a held symbol without a bar
    this session, so such a gap never zeroes the portfolio value.
    """

    prices: Mapping[str, float]
    marks: Mapping[str, float]


def rebalance_on_target_change(
    state: PortfolioState,
    targets: Mapping[str, float],
    held: Sequence[str],
    market: Market,
    threshold: float,
    costs: Costs,
    date: dt.date,
) -> Rebalance:
    """§4.6 target_change policy."""
    remembered = state.targets
    if not l1_distance(targets, remembered, held) > threshold:
        return Rebalance(state.on(date), (), False)
    book = _Book(state, market.marks, costs)
    prices = market.prices
    valid = viable_targets({s: targets.get(s, 0.0) for s in held}, prices, book.value())
    for symbol in held:
        w, before = valid[symbol], remembered.get(symbol, 0.0)
        if w == 0.0 and tradable(prices, symbol):
            book.close(symbol)
        elif 0.0 < w < before:
            book.set_to_target(symbol, w)
    for symbol in held:
        w, before = valid[symbol], remembered.get(symbol, 0.0)
        if w > before and w > 0.0:
            book.set_to_target(symbol, w)
    return Rebalance(book.state(valid, date), tuple(book.fills), True)


def rebalance_on_drift(
    state: PortfolioState,
    targets: Mapping[str, float],
    held: Sequence[str],
    market: Market,
    threshold_pct: float,
    costs: Costs,
    date: dt.date,
) -> Rebalance:
    """Drift policy: resize legs off target by >= threshold_pct % of equity; sells first."""
    book = _Book(state, market.marks, costs)
    prices = market.prices
    equity = book.value()
    valid = viable_targets({s: targets.get(s, 0.0) for s in held}, prices, equity)
    gaps = {s: valid[s] * equity - _holding(book, s) for s in held}
    due = [s for s in held if tradable(prices, s) and abs(gaps[s]) >= threshold_pct / 100 * equity]
    for s in (s for s in due if gaps[s] < 0):
        shares = math.trunc(-gaps[s] / (prices[s] * (1.0 - costs.slippage)))
        book.sell(s, book.positions.get(s, 0) if valid[s] == 0.0 else shares)
    for s in (s for s in due if gaps[s] > 0):
        book.buy(s, gaps[s])
    return Rebalance(book.state(valid, date), tuple(book.fills), bool(book.fills))


def _holding(book: _Book, symbol: str) -> float:
    """Current value of a position (0 when flat, whether or not the symbol has a price)."""
    qty = book.positions.get(symbol, 0)
    return qty * book.prices[symbol] if qty else 0.0
