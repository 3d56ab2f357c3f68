"""§4.1-§4.5: cell weights, treasury overlay and leverage normalisation."""

from __future__ import annotations

import numpy as np
import pytest

from stratops.core.strategies.hierarchical_adaptive.allocation import (
    AllocationSettings,
    BondTrend,
    Weights,
    target_weights,
)
from stratops.core.strategies.hierarchical_adaptive.signals import _bond_trend

GOLD = AllocationSettings(
    use_inverse_hedge=False,
    w_psq_max=0.5,
    allow_treasury=True,
    max_bond_weight=0.4,
    leverage_scalar=1.0,
)

# §4.5 final target table (TQQQ, QQQ, bond, cash), bond trend Bull -> TMF.
TABLE = {
    1: (0.60, 0.40, 0.0, 0.0),
    2: (0.0, 1.00, 0.0, 0.0),
    3: (0.20, 0.80, 0.0, 0.0),
    4: (0.0, 0.0, 0.40, 0.60),
    5: (0.0, 0.50, 0.20, 0.30),
    6: (0.0, 0.0, 0.40, 0.60),
}


@pytest.mark.parametrize("cell", range(1, 7))
def test_gold_table(cell: int) -> None:
    w = target_weights(cell, BondTrend.BULL, GOLD)
    tqqq, qqq, bond, cash = TABLE[cell]
    got = (w.leveraged, w.core, w.bull_bond, w.cash)
    assert got == pytest.approx((tqqq, qqq, bond, cash), abs=1e-15)
    assert w.bear_bond == 0.0
    assert w.inverse == 0.0
    assert sum((*w.held(), w.cash)) == pytest.approx(1.0, abs=1e-15)


def test_bear_bond_trend_buys_tmv_and_equal_smas_mean_bear() -> None:
    w = target_weights(4, BondTrend.BEAR, GOLD)
    assert (w.bull_bond, w.bear_bond, w.cash) == pytest.approx((0.0, 0.4, 0.6))
    trend = _bond_trend(np.array([2.0, 1.0, 1.0, np.nan]), np.array([1.0, 1.0, 2.0, 1.0]))
    assert trend.tolist() == [BondTrend.BULL, BondTrend.BEAR, BondTrend.BEAR, BondTrend.NONE]


def test_no_bond_signal_leaves_the_defensive_bucket_in_cash() -> None:
    assert target_weights(4, BondTrend.NONE, GOLD) == Weights(cash=1.0)
    assert target_weights(6, BondTrend.NONE, GOLD) == Weights(cash=1.0)
    assert target_weights(5, BondTrend.NONE, GOLD) == Weights(core=0.5, cash=0.5)


def test_treasury_disabled_and_max_bond_weight_binding() -> None:
    off = AllocationSettings(False, 0.5, False, 0.4, 1.0)
    assert target_weights(4, BondTrend.BULL, off) == Weights(cash=1.0)
    tight = AllocationSettings(False, 0.5, True, 0.1, 1.0)
    w = target_weights(5, BondTrend.BEAR, tight)
    assert (w.core, w.bear_bond, w.cash) == pytest.approx((0.5, 0.1, 0.4))


def test_leverage_scalar_cancels_in_cells_1_to_3() -> None:
    for cell in (1, 2, 3):
        scaled = target_weights(
            cell, BondTrend.BULL, AllocationSettings(False, 0.5, True, 0.4, 1.5)
        )
        plain = target_weights(cell, BondTrend.BULL, GOLD)
        assert scaled.held() == pytest.approx(plain.held(), abs=1e-15)


def test_leverage_scalar_cell_5_example() -> None:
    L = 1.5
    w = target_weights(5, BondTrend.BULL, AllocationSettings(False, 0.5, True, 0.4, L))
    total = 0.5 * L + 0.5
    assert (w.core, w.bull_bond, w.cash) == pytest.approx(
        (0.5 * L / total, 0.2 / total, 0.3 / total)
    )


@pytest.mark.parametrize(("w_max", "p"), [(0.3, 0.3), (0.9, 0.5)])
def test_cell_6_hedge_takes_no_bonds_and_is_capped(w_max: float, p: float) -> None:
    L = 0.8
    w = target_weights(6, BondTrend.BULL, AllocationSettings(True, w_max, True, 0.4, L))
    assert w.inverse == pytest.approx(p * L / (p * L + 1 - p))
    assert w.bull_bond == 0.0
    assert w.bear_bond == 0.0
    assert w.cash == pytest.approx((1 - p) / (p * L + 1 - p))
