"""§2.4, §2.5, §3.1, §3.4: every comparison operator pinned by a hand-built case."""

from __future__ import annotations

import numpy as np
import pytest

from stratops.core.strategies.hierarchical_adaptive.regime import (
    BEAR,
    BULL,
    HIGH,
    LOW,
    SIDEWAYS,
    Confirmation,
    RegimeInputs,
    RegimeSettings,
    cell_of,
    classify,
    confirm_exit,
    hysteresis,
    is_crush,
    raw_trend,
)

UP, LO = 1.0, 0.2
BULL_T, BEAR_T = 0.05, -0.3


@pytest.mark.parametrize(
    ("z", "before", "after"),
    [
        (1.0, LOW, LOW),  # z == upper: dead band (inclusive), unchanged
        (1.0, HIGH, HIGH),
        (0.2, HIGH, HIGH),  # z == lower: dead band, unchanged
        (0.2, LOW, LOW),
        (0.6, HIGH, HIGH),
        (0.6, LOW, LOW),
        (1.0000001, LOW, HIGH),
        (0.1999999, HIGH, LOW),
    ],
)
def test_hysteresis_dead_band_is_inclusive(z: float, before: int, after: int) -> None:
    assert hysteresis(z, before, UP, LO) == after


def test_crush_is_strictly_below_the_threshold() -> None:
    assert is_crush(-0.16, -0.15)
    assert not is_crush(-0.15, -0.15)
    assert not is_crush(float("nan"), -0.15)


@pytest.mark.parametrize(
    ("t", "fast", "slow", "expected"),
    [
        (0.06, 11.0, 10.0, BULL),
        (0.05, 11.0, 10.0, SIDEWAYS),  # T_norm == bull threshold is not bullish
        (0.9, 10.0, 10.0, SIDEWAYS),  # SMA equality is not bullish structure
        (-0.31, 10.0, 10.0, BEAR),  # ... but counts as non-bullish for Bear
        (-0.3, 9.0, 10.0, SIDEWAYS),  # T_norm == bear threshold is not bearish
        (-0.5, 11.0, 10.0, SIDEWAYS),
    ],
)
def test_raw_trend(t: float, fast: float, slow: float, expected: int) -> None:
    assert raw_trend(t, fast, slow, BULL_T, BEAR_T) == expected


def test_cell_map() -> None:
    cells = [cell_of(t, v) for t in (BULL, SIDEWAYS, BEAR) for v in (LOW, HIGH)]
    assert cells == [1, 2, 3, 4, 5, 6]


def inputs(t: list[float], z: list[float], crush: list[bool] | None = None) -> RegimeInputs:
    n = len(t)
    return RegimeInputs(
        decided=np.ones(n, dtype=bool),
        t_norm=np.array(t),
        z=np.array(z),
        sma_fast=np.full(n, 9.0),  # non-bullish structure: Bull impossible, Bear possible
        sma_slow=np.full(n, 10.0),
        crush=np.array(crush if crush is not None else [False] * n),
    )


def settings(enabled: bool = False, days: int = 2) -> RegimeSettings:
    return RegimeSettings(BULL_T, BEAR_T, UP, LO, Confirmation(enabled, days, BULL_T))


def test_initial_vol_state_is_low_and_dead_band_keeps_it() -> None:
    out = classify(inputs([0.0] * 4, [0.5, 1.5, 0.5, 0.1]), settings())
    assert out.vol.tolist() == [LOW, HIGH, HIGH, LOW]
    assert out.cell.tolist() == [3, 4, 4, 3]


def test_vol_crush_forces_low_persistently_and_turns_bear_into_sideways() -> None:
    out = classify(
        inputs([-0.5, -0.5, -0.5], [2.0, 0.5, 0.5], crush=[False, True, False]), settings()
    )
    assert out.vol.tolist() == [HIGH, LOW, LOW]  # the crush state persists into the band
    assert out.trend.tolist() == [BEAR, SIDEWAYS, BEAR]
    assert out.cell.tolist() == [6, 3, 5]


def test_undecided_rows_carry_the_defaults_and_do_not_advance_state() -> None:
    x = inputs([-0.5, -0.5], [2.0, 2.0])
    x = RegimeInputs(np.array([False, True]), x.t_norm, x.z, x.sma_fast, x.sma_slow, x.crush)
    out = classify(x, settings())
    assert out.cell.tolist() == [3, 6]
    assert out.trend.tolist() == [SIDEWAYS, BEAR]


RULE = Confirmation(enabled=True, days=3, bull_thresh=BULL_T)


def test_case_1a_holds_bull_until_the_nth_dip() -> None:
    assert confirm_exit(SIDEWAYS, 0.0, 1, 0, RULE) == (BULL, 1)
    assert confirm_exit(SIDEWAYS, 0.0, 1, 1, RULE) == (BULL, 2)
    assert confirm_exit(SIDEWAYS, 0.0, 1, 2, RULE) == (SIDEWAYS, 0)


def test_case_1b_bear_exits_at_once() -> None:
    assert confirm_exit(BEAR, -0.5, 1, 2, RULE) == (BEAR, 0)


def test_case_2_t_norm_at_or_above_threshold_resets() -> None:
    assert confirm_exit(SIDEWAYS, BULL_T, 1, 2, RULE) == (SIDEWAYS, 0)  # == bull: exit now
    assert confirm_exit(BULL, 0.4, 1, 2, RULE) == (BULL, 0)


def test_case_3_not_in_cell_1_resets() -> None:
    assert confirm_exit(SIDEWAYS, 0.0, 3, 2, RULE) == (SIDEWAYS, 0)
    assert confirm_exit(SIDEWAYS, 0.0, None, 0, RULE) == (SIDEWAYS, 0)


def test_disabled_returns_the_raw_trend() -> None:
    off = Confirmation(enabled=False, days=3, bull_thresh=BULL_T)
    assert confirm_exit(SIDEWAYS, 0.0, 1, 0, off) == (SIDEWAYS, 0)


def bull_then_dip(t: list[float], z: list[float]) -> RegimeInputs:
    """Bullish structure throughout, so T_norm alone decides Bull vs Sideways."""
    x = inputs(t, z)
    return RegimeInputs(x.decided, x.t_norm, x.z, np.full(len(t), 11.0), x.sma_slow, x.crush)


def test_hold_with_high_vol_lands_in_cell_2_then_case_3_releases() -> None:
    x = bull_then_dip([0.5, 0.0, 0.0, 0.0], [0.5, 1.5, 1.5, 1.5])
    out = classify(x, settings(enabled=True, days=3))
    assert out.cell.tolist() == [1, 2, 4, 4]  # held as Bull in High vol -> Cell 2
    assert out.pending.tolist() == [0, 1, 0, 0]
    plain = classify(x, settings())
    assert plain.cell.tolist() == [1, 4, 4, 4]


def test_hold_counts_consecutive_dips_then_exits() -> None:
    x = bull_then_dip([0.5, 0.0, 0.0, 0.0, 0.0], [0.5] * 5)
    out = classify(x, settings(enabled=True, days=3))
    assert out.cell.tolist() == [1, 1, 1, 3, 3]
    assert out.pending.tolist() == [0, 1, 2, 0, 0]


def test_n_equal_1_equals_disabled() -> None:
    rng = np.random.default_rng(5)
    x = bull_then_dip(rng.uniform(-0.6, 0.6, 200).tolist(), rng.uniform(-1, 2, 200).tolist())
    a = classify(x, settings(enabled=True, days=1))
    b = classify(x, settings())
    assert np.array_equal(a.cell, b.cell)
    assert np.array_equal(a.trend, b.trend)
