"""The whole signal series of the family in one pass over the data (§2.7 steps 2-12).

Rows are the sessions of the signal symbol from `signal_start` through
`through`. Every value at session D is computed from bars dated <= D only, with
per-bar exact windows (see indicators.py), so a run cut at D reproduces the
full run's row D bit for bit.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import pandas as pd

from stratops.core.errors import UserError
from stratops.core.marketdata.frames import MarketData
from stratops.core.strategies.base import SignalFrame
from stratops.core.strategies.hierarchical_adaptive import kalman
from stratops.core.strategies.hierarchical_adaptive.allocation import (
    AllocationSettings,
    BondTrend,
    target_weights,
)
from stratops.core.strategies.hierarchical_adaptive.indicators import (
    crush_ratio,
    realized_vol,
    window_mean,
    zscore,
)
from stratops.core.strategies.hierarchical_adaptive.params import HierarchicalAdaptiveParams
from stratops.core.strategies.hierarchical_adaptive.regime import (
    TREND_LABELS,
    VOL_LABELS,
    Confirmation,
    RegimeInputs,
    RegimeSettings,
    classify,
    is_crush,
)

FloatArray = npt.NDArray[np.float64]


def window(frame: pd.DataFrame, start: dt.date | None, through: dt.date | None) -> pd.DataFrame:
    """Bars dated in [start, through] (either bound optional)."""
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(through) if through is not None else None
    if lo is None and hi is None:
        return frame
    return frame.loc[lo:hi]


def compute(
    params: HierarchicalAdaptiveParams,
    data: MarketData,
    signal_start: dt.date | None = None,
    through: dt.date | None = None,
) -> SignalFrame:
    """Replay the signal symbol's bars from signal_start (default: its first bar) to `through`."""
    bars = _signal_bars(params, data, signal_start, through)
    closes = bars["close"].to_numpy(dtype=np.float64)
    volumes = bars["volume"].to_numpy(dtype=np.float64)
    t_norm = kalman.t_norm(closes, volumes, _kalman_settings(params))
    sma_fast, sma_slow = window_mean(closes, params.sma_fast), window_mean(closes, params.sma_slow)
    sigma = realized_vol(closes, params.realized_vol_window)
    z = zscore(sigma, params.vol_baseline_window)
    decided = np.arange(len(closes)) >= params.signal_window - 1
    crush = decided & is_crush(_crush(sigma, params), params.vol_crush_threshold)
    regime = classify(
        RegimeInputs(decided, t_norm, z, sma_fast, sma_slow, crush), _regime_settings(params)
    )
    bond_fast, bond_slow = _bond_smas(params, data, bars.index, signal_start)
    bond = _bond_trend(bond_fast, bond_slow)
    weights = _weight_table(params)[regime.cell, bond]
    weights[~decided] = np.nan
    return SignalFrame(
        dates=pd.DatetimeIndex(bars.index),
        decided=decided,
        cell=regime.cell,
        trend=_labels(regime.trend, TREND_LABELS),
        vol=_labels(regime.vol, VOL_LABELS),
        t_norm=t_norm,
        z=np.where(decided, z, np.nan),
        held=params.held_symbols,
        weights=weights,
        indicators={
            "sigma": sigma,
            "sma_fast": sma_fast,
            "sma_slow": sma_slow,
            "bond_fast": bond_fast,
            "bond_slow": bond_slow,
            "bond_trend": _labels(bond, {int(b): b.label for b in BondTrend}),
            "crush": crush,
            "cell1_exit_pending_days": regime.pending,
        },
    )


def _signal_bars(
    params: HierarchicalAdaptiveParams,
    data: MarketData,
    start: dt.date | None,
    through: dt.date | None,
) -> pd.DataFrame:
    """The signal symbol's bars in the replay window, checked for usable values."""
    symbol = params.signal_symbol
    if symbol not in data.bars:
        raise UserError(f"market data has no {symbol} (signal_symbol)")
    bars = window(data.bars[symbol], start, through)
    closes = bars["close"].to_numpy(dtype=np.float64)
    volumes = bars["volume"].to_numpy(dtype=np.float64)
    if not (np.all(np.isfinite(closes)) and np.all(closes > 0)):
        raise UserError(f"{symbol}: closes must be finite and positive to compute signals")
    if not (np.all(np.isfinite(volumes)) and np.all(volumes >= 0)):
        raise UserError(f"{symbol}: volumes must be finite and non-negative")
    return bars


def _kalman_settings(p: HierarchicalAdaptiveParams) -> kalman.KalmanSettings:
    return kalman.KalmanSettings(
        measurement_noise=p.measurement_noise,
        process_noise_1=p.process_noise_1,
        process_noise_2=p.process_noise_2,
        osc_smoothness=p.osc_smoothness,
        strength_smoothness=p.strength_smoothness,
        t_max=p.T_max,
        symmetric_volume_adjustment=p.symmetric_volume_adjustment,
        double_smoothing=p.double_smoothing,
    )


def _regime_settings(p: HierarchicalAdaptiveParams) -> RegimeSettings:
    return RegimeSettings(
        bull_thresh=p.t_norm_bull_thresh,
        bear_thresh=p.t_norm_bear_thresh,
        upper_z=p.upper_thresh_z,
        lower_z=p.lower_thresh_z,
        confirmation=Confirmation(
            enabled=p.cell1_exit_confirmation_enabled,
            days=p.cell1_exit_confirmation_days,
            bull_thresh=p.t_norm_bull_thresh,
        ),
    )


def _crush(sigma: FloatArray, p: HierarchicalAdaptiveParams) -> FloatArray:
    """§2.5 ratio; σ_{D−N} must lie inside the L_sig window, else no crush can fire."""
    if p.vol_crush_lookback >= p.signal_window - p.realized_vol_window:
        return np.full(len(sigma), np.nan)
    return crush_ratio(sigma, p.vol_crush_lookback)


def _bond_smas(
    p: HierarchicalAdaptiveParams,
    data: MarketData,
    dates: pd.Index,
    start: dt.date | None,
) -> tuple[FloatArray, FloatArray]:
    """§2.6 SMAs of the bond-trend closes dated <= each signal date (NaN if < bond_sma_slow)."""
    n = len(dates)
    frame = data.bars.get(p.treasury_trend_symbol)
    if frame is None or n == 0:
        return np.full(n, np.nan), np.full(n, np.nan)
    tlt = window(frame, start, dates[-1].date())
    closes = tlt["close"].to_numpy(dtype=np.float64)
    if len(closes) == 0:
        return np.full(n, np.nan), np.full(n, np.nan)
    counts = np.asarray(tlt.index.searchsorted(dates, side="right"))
    fast = window_mean(closes, p.bond_sma_fast)
    slow = window_mean(closes, p.bond_sma_slow)
    enough = counts >= p.bond_sma_slow
    last = np.maximum(counts - 1, 0)
    return np.where(enough, fast[last], np.nan), np.where(enough, slow[last], np.nan)


def _labels(codes: npt.NDArray[np.int64], names: dict[int, str]) -> npt.NDArray[np.object_]:
    """Code array -> label array by table lookup (codes are small ints, possibly negative)."""
    lo = min(names)
    table = np.array([names.get(k, "") for k in range(lo, max(names) + 1)], dtype=object)
    return np.asarray(table[codes - lo], dtype=object)


def _bond_trend(fast: FloatArray, slow: FloatArray) -> npt.NDArray[np.int64]:
    """Bull iff fast > slow; Bear otherwise (equality -> Bear); NONE if either is NaN."""
    known = ~(np.isnan(fast) | np.isnan(slow))
    trend = np.where(fast > slow, int(BondTrend.BULL), int(BondTrend.BEAR))
    return np.where(known, trend, int(BondTrend.NONE)).astype(np.int64)


def _weight_table(p: HierarchicalAdaptiveParams) -> FloatArray:
    """weights[cell, bond trend] -> role weights + cash, for cells 1-6 (row 0 unused)."""
    settings = AllocationSettings(
        use_inverse_hedge=p.use_inverse_hedge,
        w_psq_max=p.w_PSQ_max,
        allow_treasury=p.allow_treasury,
        max_bond_weight=p.max_bond_weight,
        leverage_scalar=p.leverage_scalar,
    )
    table = np.full((7, 3, 6), np.nan)
    for cell in range(1, 7):
        for bond in BondTrend:
            w = target_weights(cell, bond, settings)
            table[cell, int(bond)] = (*w.held(), w.cash)
    return table
