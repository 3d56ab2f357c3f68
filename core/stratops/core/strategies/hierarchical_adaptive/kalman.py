"""The volume-adjusted adaptive Kalman trend filter (§2.1) -> `T_norm` for every bar.

The filter proper (level/velocity state, covariance, innovation) is inherently
sequential and runs as a plain-Python scalar loop: with 2x2 matrices, scalar
arithmetic is an order of magnitude faster than numpy calls per bar. The
trend-strength post-processing (500-bar innovation max, oscillator, weighted
moving averages) depends only on the innovation sequence, so it is computed
afterwards with vectorised, per-bar exact windows: the value for bar i uses
exactly the same operations whatever data follows i, which keeps truncation
invariance bit-exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from stratops.core.strategies.hierarchical_adaptive.indicators import weighted_window_mean

FloatArray = npt.NDArray[np.float64]

SIGMA_LOOKBACK = 500
"""Innovation buffer A length (library default, not passed by the strategy)."""
TREND_LOOKBACK = 20
"""Oscillator buffer B length (library default since 2025-12-12)."""


@dataclass(frozen=True)
class KalmanSettings:
    """The filter parameters the strategy passes (§2.1)."""

    measurement_noise: float
    process_noise_1: float
    process_noise_2: float
    osc_smoothness: int
    strength_smoothness: int
    t_max: float
    symmetric_volume_adjustment: bool
    double_smoothing: bool

    @property
    def n_o(self) -> int:
        return min(self.osc_smoothness, TREND_LOOKBACK)

    @property
    def n_s(self) -> int:
        return min(self.strength_smoothness, SIGMA_LOOKBACK)


def innovations(closes: FloatArray, volumes: FloatArray, settings: KalmanSettings) -> FloatArray:
    """Signed innovation `e` per bar (NaN on the initialising bar 0, which records none)."""
    return filter_path(closes, volumes, settings)[0]


def filter_path(
    closes: FloatArray, volumes: FloatArray, settings: KalmanSettings
) -> tuple[FloatArray, FloatArray]:
    """(innovation, posterior level) per bar; the level shows what the filter tracks."""
    n = len(closes)
    out = np.full(n, np.nan)
    level = np.full(n, np.nan)
    if n == 0:
        return out, level
    c = closes.tolist()
    v = volumes.tolist()
    r0, q1, q2 = settings.measurement_noise, settings.process_noise_1, settings.process_noise_2
    symmetric = settings.symmetric_volume_adjustment
    lvl, vel = c[0], 0.0
    p00, p01, p10, p11 = 1.0, 0.0, 0.0, 1.0
    v_prev = v[0]
    level[0] = lvl
    for i in range(1, n):
        # Predict: x = F x, P = F P F^T + Q (entries in numpy matmul order).
        lvl, vel = lvl + vel, vel
        p00, p01, p10, p11 = (p00 + p10) + (p01 + p11) + q1, p01 + p11, p10 + p11, p11 + q2
        vol = v[i]
        rho = 1.0
        if vol > 0:
            rho = v_prev / vol if symmetric else v_prev / max(v_prev, vol)
        s = p00 + r0 * rho
        k0, k1 = p00 / s, p10 / s
        e = c[i] - lvl
        lvl, vel = lvl + k0 * e, vel + k1 * e
        # P = (I - K H) P, plain form.
        p00, p01, p10, p11 = (
            (1.0 - k0) * p00,
            (1.0 - k0) * p01,
            -k1 * p00 + p10,
            -k1 * p01 + p11,
        )
        v_prev = vol
        out[i] = e
        level[i] = lvl
    return out, level


def trend_strength(e: FloatArray, settings: KalmanSettings) -> FloatArray:
    """Trend strength per bar from the innovations; exactly 0 before bar n_s + n_o - 1."""
    n = len(e)
    n_s, n_o = settings.n_s, settings.n_o
    strength = np.zeros(n)
    if n <= n_s:
        return strength
    osc = _oscillator(e, n_s)
    s1 = weighted_window_mean(osc, n_o)
    if settings.double_smoothing and n_s <= TREND_LOOKBACK:
        s2 = weighted_window_mean(s1, n_s)
        s1 = np.where(np.isnan(s2), s1, s2)
    return np.where(np.isnan(s1), 0.0, s1)


def _oscillator(e: FloatArray, n_s: int) -> FloatArray:
    """`100 e / max|e|` over buffer A; NaN until buffer A holds n_s innovations."""
    abs_e = np.abs(e[1:])
    peak = _buffer_max(abs_e)
    osc = np.full(len(e), np.nan)
    body = np.zeros(len(abs_e))
    np.divide(100.0 * e[1:], peak, out=body, where=peak != 0)
    osc[1:] = body
    osc[:n_s] = np.nan
    return osc


def _buffer_max(abs_e: FloatArray) -> FloatArray:
    """max over the most recent SIGMA_LOOKBACK innovations (fewer at the start)."""
    peak = np.maximum.accumulate(abs_e)
    if len(abs_e) > SIGMA_LOOKBACK:
        windows = np.lib.stride_tricks.sliding_window_view(abs_e, SIGMA_LOOKBACK)
        peak[SIGMA_LOOKBACK - 1 :] = windows.max(axis=1)
    return peak


def t_norm(closes: FloatArray, volumes: FloatArray, settings: KalmanSettings) -> FloatArray:
    """`clip(strength / T_max, -1, 1)` for every bar fed, starting with bar 0."""
    strength = trend_strength(innovations(closes, volumes, settings), settings)
    return np.clip(strength / settings.t_max, -1.0, 1.0)
