"""Price paths behind the synthetic provider (pure numpy, one value per session).

Each path takes a generator and splits it into child streams, one per
ingredient (regimes, shocks, gaps, ranges, volume), so the first k values of
every ingredient are the same whatever the length asked for. That is what
makes a fetch through 2026 agree with a fetch through 2024 on every shared day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ANNUAL = math.sqrt(252)
T_DOF = 5.0
"""Student-t degrees of freedom for daily shocks: fat tails like real index returns."""
SHOCK_CAP = 4.0
VARIANCE_CAP = 2.5
"""Caps that keep the worst synthetic day near the worst real ones (QQQ: about -12 %)."""

REGIMES = ("bull", "bear", "crash")
TRANSITIONS = np.array(
    [
        [0.9940, 0.0054, 0.0006],
        [0.0180, 0.9770, 0.0050],
        [0.0250, 0.0750, 0.9000],
    ]
)
"""Daily regime transition probabilities: bull runs last months, crashes weeks."""
DRIFT = np.array([0.0008, -0.0005, -0.0030])
"""Daily log drift per regime."""
VOLATILITY = np.array([0.18, 0.28, 0.50])
"""Annualised volatility per regime; GARCH clustering moves it around this level."""
BOND_CORRELATION = np.array([-0.15, -0.30, -0.50])
"""Treasury shock correlation with the index per regime: flight to quality in sell-offs."""
EQUITY_VOLUME = 60e6
BOND_VOLUME = 8e6
"""Typical daily share volumes; busier in volatile stretches."""


@dataclass(frozen=True)
class BasePath:
    """OHLCV arrays of one instrument."""

    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray


@dataclass(frozen=True)
class EquityPath(BasePath):
    """The index path plus what the bond path needs to lean against it."""

    regime: np.ndarray
    shock: np.ndarray


def equity_path(rng: np.random.Generator, n: int, first_close: float = 40.0) -> EquityPath:
    """A regime-switching, volatility-clustering index starting near QQQ's 2005 level."""
    regime_rng, shock_rng, gap_rng, range_rng, volume_rng = rng.spawn(5)
    regime = _markov_chain(regime_rng.random(n))
    shock = _unit_t(shock_rng, n)
    sd = VOLATILITY[regime] / ANNUAL * np.sqrt(_garch(shock, 0.08, 0.90))
    log_return = DRIFT[regime] + sd * shock
    bars = _ohlc(first_close, log_return, sd, gap_rng, range_rng)
    activity = 0.9 * np.log(sd / (VOLATILITY[0] / ANNUAL)) + 0.15 * (regime == 2)
    volume = EQUITY_VOLUME * np.exp(activity + _ar1(0.25 * volume_rng.standard_normal(n), 0.6))
    return EquityPath(*bars, volume=volume, regime=regime, shock=shock)


def bond_path(rng: np.random.Generator, equity: EquityPath, first_close: float = 88.0) -> BasePath:
    """A long-Treasury path: slow multi-year trends, its own clusters, hedging in sell-offs."""
    trend_rng, shock_rng, gap_rng, range_rng, volume_rng = rng.spawn(5)
    n = len(equity.close)
    trend = 0.00012 + _ar1(0.000012 * trend_rng.standard_normal(n), 0.998)
    rho = BOND_CORRELATION[equity.regime]
    shock = rho * equity.shock + np.sqrt(1 - rho**2) * _unit_t(shock_rng, n)
    sd = 0.14 / ANNUAL * np.sqrt(_garch(shock, 0.05, 0.93))
    bars = _ohlc(first_close, trend + sd * shock, sd, gap_rng, range_rng)
    volume = BOND_VOLUME * np.exp(
        0.7 * np.log(sd * ANNUAL / 0.14) + _ar1(0.3 * volume_rng.standard_normal(n), 0.5)
    )
    return BasePath(*bars, volume=volume)


def _markov_chain(uniform: np.ndarray) -> np.ndarray:
    """Regime index per day, starting in a bull market."""
    cumulative = np.cumsum(TRANSITIONS, axis=1)
    regime = np.zeros(len(uniform), dtype=np.int64)
    state = 0
    for t in range(1, len(uniform)):
        state = int(np.searchsorted(cumulative[state], uniform[t], side="right"))
        state = min(state, len(REGIMES) - 1)
        regime[t] = state
    return regime


def _unit_t(rng: np.random.Generator, n: int) -> np.ndarray:
    """Student-t draws scaled to unit variance, capped at SHOCK_CAP standard deviations."""
    draws = rng.standard_t(T_DOF, n) / math.sqrt(T_DOF / (T_DOF - 2))
    return np.clip(draws, -SHOCK_CAP, SHOCK_CAP)


def _garch(shock: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """GARCH(1,1) variance multiplier with long-run mean 1: big moves raise tomorrow's variance."""
    h = np.ones(len(shock))
    omega = 1 - alpha - beta
    for t in range(1, len(shock)):
        h[t] = min(omega + (alpha * shock[t - 1] ** 2 + beta) * h[t - 1], VARIANCE_CAP)
    return h


def _ar1(noise: np.ndarray, phi: float) -> np.ndarray:
    out = np.empty(len(noise))
    level = 0.0
    for t, value in enumerate(noise):
        level = phi * level + value
        out[t] = level
    return out


def _ohlc(
    first_close: float,
    log_return: np.ndarray,
    sd: np.ndarray,
    gap_rng: np.random.Generator,
    range_rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Opens gap from the previous close; high and low reach past the body by a vol-scaled step."""
    n = len(log_return)
    close = first_close * np.exp(np.cumsum(log_return))
    previous = np.concatenate(([first_close], close[:-1]))
    open_ = previous * np.exp(0.3 * sd * gap_rng.standard_normal(n))
    stretch = 0.5 * sd[:, None] * np.abs(range_rng.standard_normal((n, 2)))
    high = np.maximum(open_, close) * np.exp(stretch[:, 0])
    low = np.minimum(open_, close) * np.exp(-stretch[:, 1])
    return open_, high, low, close
