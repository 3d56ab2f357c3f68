"""Windowed statistics: right values, and the same bits whatever data precedes or follows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stratops.core.strategies.hierarchical_adaptive import indicators as ind


@pytest.fixture
def x() -> np.ndarray:
    return np.random.default_rng(1).normal(100.0, 5.0, 300)


def test_window_mean_and_std_match_each_window(x: np.ndarray) -> None:
    mean, std = ind.window_mean(x, 20), ind.window_std(x, 20)
    assert np.isnan(mean[:19]).all()
    assert np.isnan(std[:19]).all()
    for i in (19, 100, 299):
        w = x[i - 19 : i + 1]
        assert mean[i] == pytest.approx(w.mean(), rel=1e-14)
        assert std[i] == pytest.approx(w.std(ddof=1), rel=1e-12)


def test_weighted_mean_gives_the_newest_value_weight_n() -> None:
    x = np.array([1.0, 2.0, 4.0])
    assert ind.weighted_window_mean(x, 3)[-1] == (1 * 1 + 2 * 2 + 3 * 4) / 6


def test_windows_are_bit_exact_under_truncation_and_prefixes(x: np.ndarray) -> None:
    """A value depends on its own window only: cutting or prepending data changes no bit."""
    full = ind.window_std(x, 21)
    for cut in (21, 50, 173, 299):
        assert ind.window_std(x[:cut], 21)[-1] == full[cut - 1]
    shifted = ind.window_mean(np.concatenate([[1e9, -3.0], x]), 40)[2:]
    assert np.array_equal(shifted[39:], ind.window_mean(x, 40)[39:])


def test_realized_vol_is_annualised_stdev_of_log_returns() -> None:
    closes = np.array([100.0, 101.0, 99.0, 102.0, 103.0, 101.5])
    r = np.log(closes[1:] / closes[:-1])
    sigma = ind.realized_vol(closes, 5)
    assert np.isnan(sigma[:5]).all()
    assert sigma[5] == pytest.approx(r.std(ddof=1) * math.sqrt(252), rel=1e-13)


def test_zscore_includes_the_current_value_and_is_zero_when_flat() -> None:
    sigma = np.array([np.nan, 0.1, 0.2, 0.3, 0.6])
    z = ind.zscore(sigma, 3)
    base = np.array([0.2, 0.3, 0.6])
    assert z[4] == pytest.approx((0.6 - base.mean()) / base.std(ddof=1), rel=1e-13)
    assert np.isnan(z[:3]).all()
    assert ind.zscore(np.full(6, 0.2), 4)[-1] == 0.0


def test_crush_ratio_looks_back_n_bars_and_ignores_zero_base() -> None:
    sigma = np.array([0.2, 0.0, 0.3, 0.17, 0.1])
    ratio = ind.crush_ratio(sigma, 3)
    assert np.isnan(ratio[:3]).all()
    assert ratio[3] == pytest.approx((0.17 - 0.2) / 0.2)
    assert np.isnan(ratio[4])  # σ three bars earlier is 0: no crush possible
