"""Regime classification (§2.4, §2.5, §3): vol state, trend, v3.5d confirmation, cell.

Each rule is a small pure function so a test can pin its comparison operators;
`classify` folds them over the decision bars in order because hysteresis and
the v3.5d counter carry state from one decision to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt

BEAR, SIDEWAYS, BULL = -1, 0, 1
"""Trend codes (§3.1); plain ints because the fold below runs once per bar."""
LOW, HIGH = 0, 1
"""Vol state codes (§2.4)."""

TREND_LABELS = {BEAR: "BearStrong", SIDEWAYS: "Sideways", BULL: "BullStrong"}
VOL_LABELS = {LOW: "Low", HIGH: "High"}

DEFAULT_CELL, DEFAULT_TREND, DEFAULT_VOL = 3, SIDEWAYS, LOW
"""What is reported before the first decision (§3.3)."""


def cell_of(trend: int, vol: int) -> int:
    """§3.3 map: Bull 1/2, Sideways 3/4, Bear 5/6 for Low/High vol."""
    return 1 + 2 * (BULL - trend) + vol


def hysteresis(z: float, state: int, upper: float, lower: float) -> int:
    """§2.4: strict comparisons; the band [lower, upper] keeps the previous state."""
    if z > upper:
        return HIGH
    if z < lower:
        return LOW
    return state


@overload
def is_crush(ratio: float, threshold: float) -> bool: ...
@overload
def is_crush(ratio: npt.NDArray[np.float64], threshold: float) -> npt.NDArray[np.bool_]: ...
def is_crush(
    ratio: float | npt.NDArray[np.float64], threshold: float
) -> bool | npt.NDArray[np.bool_]:
    """§2.5: σ fell by more than |threshold| over the lookback (NaN ratio: no crush).

    Element-wise on a series of ratios, so the signal pass and a single bar share the rule.
    """
    found = np.less(ratio, threshold)
    return bool(found) if np.ndim(found) == 0 else found


def raw_trend(t_norm: float, sma_fast: float, sma_slow: float, bull: float, bear: float) -> int:
    """§3.1: Kalman strength gated by SMA structure; SMA equality is not bullish."""
    struct_bull = sma_fast > sma_slow
    if t_norm > bull and struct_bull:
        return BULL
    if t_norm < bear and not struct_bull:
        return BEAR
    return SIDEWAYS


@dataclass(frozen=True)
class Confirmation:
    """§3.4 settings: N consecutive dips before leaving Cell 1 (disabled in v3.5b)."""

    enabled: bool
    days: int
    bull_thresh: float


def confirm_exit(
    trend: int, t_norm: float, prev_cell: int | None, pending: int, rule: Confirmation
) -> tuple[int, int]:
    """§3.4 cases 0/1a/1b/2/3 in their order; returns (final trend, new pending counter)."""
    if not rule.enabled:
        return trend, pending
    dipping = t_norm < rule.bull_thresh
    if prev_cell == 1 and dipping and trend == SIDEWAYS:
        pending += 1
        if pending >= rule.days:
            return SIDEWAYS, 0
        return BULL, pending
    return trend, 0


@dataclass(frozen=True)
class RegimeInputs:
    """Per-bar indicator arrays (NaN where not computable) and the decision mask."""

    decided: npt.NDArray[np.bool_]
    t_norm: npt.NDArray[np.float64]
    z: npt.NDArray[np.float64]
    sma_fast: npt.NDArray[np.float64]
    sma_slow: npt.NDArray[np.float64]
    crush: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RegimeSettings:
    bull_thresh: float
    bear_thresh: float
    upper_z: float
    lower_z: float
    confirmation: Confirmation


@dataclass(frozen=True)
class RegimeSeries:
    """Per-bar classification; rows without a decision carry the §3.3 defaults."""

    cell: npt.NDArray[np.int64]
    trend: npt.NDArray[np.int64]
    vol: npt.NDArray[np.int64]
    pending: npt.NDArray[np.int64]


def classify(inputs: RegimeInputs, settings: RegimeSettings) -> RegimeSeries:
    """Fold the §2.7 steps 5-9 over the decision bars, starting from vol Low, no prev cell."""
    n = len(inputs.decided)
    cell = np.full(n, DEFAULT_CELL, dtype=np.int64)
    trend = np.full(n, DEFAULT_TREND, dtype=np.int64)
    vol = np.full(n, DEFAULT_VOL, dtype=np.int64)
    pending = np.zeros(n, dtype=np.int64)
    state, prev_cell, count = LOW, None, 0
    t_norm, z = inputs.t_norm.tolist(), inputs.z.tolist()
    fast, slow, crush = inputs.sma_fast.tolist(), inputs.sma_slow.tolist(), inputs.crush.tolist()
    s = settings
    for i in np.flatnonzero(inputs.decided).tolist():
        state = hysteresis(z[i], state, s.upper_z, s.lower_z)
        if crush[i]:
            state = LOW
        tr = raw_trend(t_norm[i], fast[i], slow[i], s.bull_thresh, s.bear_thresh)
        if crush[i] and tr == BEAR:
            tr = SIDEWAYS
        tr, count = confirm_exit(tr, t_norm[i], prev_cell, count, s.confirmation)
        prev_cell = cell_of(tr, state)
        cell[i], trend[i], vol[i], pending[i] = prev_cell, tr, state, count
    return RegimeSeries(cell=cell, trend=trend, vol=vol, pending=pending)
