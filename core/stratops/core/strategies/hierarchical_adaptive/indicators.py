"""Windowed statistics computed per bar with a fixed operation order (§2.2, §2.3).

pandas' rolling functions keep running sums, so the last bits of a value depend
on how much earlier data was fed: a run cut at day D would not reproduce the
full run's value at D bit for bit. Here every output element is the sum of its
own window, accumulated oldest to newest, by vectorised adds over shifted
slices; the result for bar i depends only on the window's values. NaN inputs
propagate, so a window touching a missing value is NaN ("not computable").
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

ANNUALISATION = math.sqrt(252.0)


def window_sum(x: FloatArray, n: int, weighted: bool = False) -> FloatArray:
    """Sum of each trailing window of n values (weights 1..n, newest n, if `weighted`)."""
    out = np.full(len(x), np.nan)
    m = len(x) - n + 1
    if n < 1 or m <= 0:
        return out
    acc = x[0:m].copy()
    for k in range(1, n):
        term = x[k : k + m]
        acc += term * float(k + 1) if weighted else term
    out[n - 1 :] = acc
    return out


def window_mean(x: FloatArray, n: int) -> FloatArray:
    """Simple moving average; NaN until n values exist."""
    return window_sum(x, n) / float(n)


def weighted_window_mean(x: FloatArray, n: int) -> FloatArray:
    """Linearly weighted moving average, weights 1..n with the newest weighted n."""
    return window_sum(x, n, weighted=True) / (n * (n + 1) / 2.0)


def window_std(x: FloatArray, n: int) -> FloatArray:
    """Sample standard deviation (ddof=1) of each trailing window, two-pass."""
    out = np.full(len(x), np.nan)
    m = len(x) - n + 1
    if n < 2 or m <= 0:
        return out
    mean = window_mean(x, n)[n - 1 :]
    acc = np.zeros(m)
    for k in range(n):
        dev = x[k : k + m] - mean
        acc += dev * dev
    out[n - 1 :] = np.sqrt(acc / float(n - 1))
    return out


def log_returns(closes: FloatArray) -> FloatArray:
    """`ln(C_k / C_{k-1})`, NaN at index 0 (math.log per element: SIMD-free, so exact)."""
    out = np.full(len(closes), np.nan)
    ratios = (closes[1:] / closes[:-1]).tolist()
    out[1:] = [math.log(r) for r in ratios]
    return out


def realized_vol(closes: FloatArray, window: int) -> FloatArray:
    """Annualised stdev of the last `window` log returns; defined from bar `window` on."""
    return window_std(log_returns(closes), window) * ANNUALISATION


def zscore(sigma: FloatArray, baseline: int) -> FloatArray:
    """`(σ_D − mean) / stdev` over the last `baseline` σ values, current included; 0 if flat."""
    mean = window_mean(sigma, baseline)
    std = window_std(sigma, baseline)
    z = np.full(len(sigma), np.nan)
    ok = ~np.isnan(std)
    flat = ok & (std == 0)
    live = ok & ~flat
    z[live] = (sigma[live] - mean[live]) / std[live]
    z[flat] = 0.0
    return z


def crush_ratio(sigma: FloatArray, lookback: int) -> FloatArray:
    """`(σ_D − σ_{D−N}) / σ_{D−N}`; NaN where σ_{D−N} is missing or zero (no crush possible)."""
    out = np.full(len(sigma), np.nan)
    if len(sigma) <= lookback:
        return out
    now, then = sigma[lookback:], sigma[:-lookback]
    valid = ~np.isnan(then) & (then != 0)
    ratio = np.full(len(now), np.nan)
    ratio[valid] = (now[valid] - then[valid]) / then[valid]
    out[lookback:] = ratio
    return out
