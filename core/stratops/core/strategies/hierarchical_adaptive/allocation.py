"""Target weights from the cell (§4.1-§4.4): base table, treasury overlay, leverage scalar.

Weights are kept by role, in the fixed §4.6 order (leveraged long, core long,
inverse hedge, bull bond, bear bond) plus cash, so the same numbers serve any
symbol mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum

BOND_FRACTION = 0.4
"""Hard-coded share of the defensive bucket that goes to bonds (§4.3, §8 item 10)."""
PSQ_CAP = 0.5
"""Cell 6 hedge never exceeds 0.5 whatever w_PSQ_max says (§4.2, §8 item 11)."""


class BondTrend(IntEnum):
    """§2.6 outcome; NONE when the TLT history is too short (defensive bucket -> cash)."""

    NONE = 0
    BULL = 1
    BEAR = 2

    @property
    def label(self) -> str:
        return {BondTrend.NONE: "", BondTrend.BULL: "Bull", BondTrend.BEAR: "Bear"}[self]


@dataclass(frozen=True)
class Weights:
    """Target weights by role; they sum to 1 with cash."""

    leveraged: float = 0.0
    core: float = 0.0
    inverse: float = 0.0
    bull_bond: float = 0.0
    bear_bond: float = 0.0
    cash: float = 0.0

    def held(self) -> tuple[float, float, float, float, float]:
        """Weights of the held instruments in the §4.6 order (cash excluded)."""
        return (self.leveraged, self.core, self.inverse, self.bull_bond, self.bear_bond)


@dataclass(frozen=True)
class AllocationSettings:
    use_inverse_hedge: bool
    w_psq_max: float
    allow_treasury: bool
    max_bond_weight: float
    leverage_scalar: float


def base_weights(cell: int, use_inverse_hedge: bool, w_psq_max: float) -> Weights:
    """§4.1 table (hard-coded numbers, not parameters)."""
    if cell == 6 and use_inverse_hedge:
        p = min(PSQ_CAP, w_psq_max)
        return Weights(inverse=p, cash=1.0 - p)
    table = {
        1: Weights(leveraged=0.6, core=0.4),
        2: Weights(core=1.0),
        3: Weights(leveraged=0.2, core=0.8),
        4: Weights(cash=1.0),
        5: Weights(core=0.5, cash=0.5),
        6: Weights(cash=1.0),
    }
    return table[cell]


def defensive_portion(cell: int, use_inverse_hedge: bool) -> float:
    """Share of the book the overlay may put in bonds: Cells 4/5/6 (6 only without hedge)."""
    if cell == 4 or (cell == 6 and not use_inverse_hedge):
        return 1.0
    if cell == 5:
        return 0.5
    return 0.0


def treasury_overlay(
    weights: Weights, cell: int, bond: BondTrend, settings: AllocationSettings
) -> Weights:
    """§4.3: replace the cell's cash by `min(0.4 d, max_bond_weight)` bonds + the rest in cash."""
    d = defensive_portion(cell, settings.use_inverse_hedge)
    if not settings.allow_treasury or d == 0.0:
        return weights
    if bond is BondTrend.NONE:
        return replace(weights, cash=d)
    b = min(BOND_FRACTION * d, settings.max_bond_weight)
    if bond is BondTrend.BULL:
        return replace(weights, bull_bond=b, bear_bond=0.0, cash=d - b)
    return replace(weights, bull_bond=0.0, bear_bond=b, cash=d - b)


def normalise(weights: Weights, leverage_scalar: float) -> Weights:
    """§4.4: scale the equity legs by L, then divide every weight, cash included, by the sum."""
    lev = weights.leveraged * leverage_scalar
    core = weights.core * leverage_scalar
    inv = weights.inverse * leverage_scalar
    total = lev + core + inv + weights.bull_bond + weights.bear_bond + weights.cash
    return Weights(
        leveraged=lev / total,
        core=core / total,
        inverse=inv / total,
        bull_bond=weights.bull_bond / total,
        bear_bond=weights.bear_bond / total,
        cash=weights.cash / total,
    )


def target_weights(cell: int, bond: BondTrend, settings: AllocationSettings) -> Weights:
    """Final target weights of a cell given the bond trend (§4.1 -> §4.3 -> §4.4)."""
    base = base_weights(cell, settings.use_inverse_hedge, settings.w_psq_max)
    return normalise(treasury_overlay(base, cell, bond, settings), settings.leverage_scalar)
