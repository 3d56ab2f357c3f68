"""The §2.1 Kalman trend filter against a literal buffer-by-buffer implementation."""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest

from stratops.core.strategies.hierarchical_adaptive.kalman import (
    KalmanSettings,
    filter_path,
    t_norm,
)


def settings(**changes: object) -> KalmanSettings:
    base: dict[str, object] = {
        "measurement_noise": 3000.0,
        "process_noise_1": 0.01,
        "process_noise_2": 0.01,
        "osc_smoothness": 10,
        "strength_smoothness": 15,
        "t_max": 50.0,
        "symmetric_volume_adjustment": True,
        "double_smoothing": False,
    }
    base.update(changes)
    return KalmanSettings(**base)  # type: ignore[arg-type]


def reference(closes: np.ndarray, volumes: np.ndarray, s: KalmanSettings) -> np.ndarray:
    """§2.1 as written: numpy matrices, deques A (500), B (20), C (20), WMA by np.dot."""
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    Q = np.diag([s.process_noise_1, s.process_noise_2])
    x, P, v_prev = np.array([closes[0], 0.0]), np.eye(2), volumes[0]
    A: deque[float] = deque(maxlen=500)
    B: deque[float] = deque(maxlen=20)
    C: deque[float] = deque(maxlen=20)
    out = [0.0]
    for c, v in zip(closes[1:], volumes[1:], strict=True):
        x, P = F @ x, F @ P @ F.T + Q
        rho = (
            (v_prev / v if s.symmetric_volume_adjustment else v_prev / max(v_prev, v))
            if v > 0
            else 1.0
        )
        sv = P[0, 0] + s.measurement_noise * rho
        K = np.array([P[0, 0] / sv, P[1, 0] / sv])
        e = c - x[0]
        x = x + K * e
        P = (np.eye(2) - np.outer(K, [1.0, 0.0])) @ P
        v_prev = v
        A.append(abs(e))
        strength = 0.0
        if len(A) >= s.n_s:
            m = max(A)
            B.append(100.0 * e / m if m else 0.0)
            if len(B) >= s.n_o:
                w = np.arange(1, s.n_o + 1)
                strength = float(np.dot(w, list(B)[-s.n_o :]) / w.sum())
                if s.double_smoothing:
                    C.append(strength)
                    if len(C) >= s.n_s:
                        w2 = np.arange(1, s.n_s + 1)
                        strength = float(np.dot(w2, list(C)[-s.n_s :]) / w2.sum())
        out.append(float(np.clip(strength / s.t_max, -1, 1)))
    return np.array(out)


def data(n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    closes = 100 * np.cumprod(1 + 0.01 * rng.standard_normal(n) + 0.0005)
    volumes = rng.integers(1_000, 10_000, n).astype(float)
    return closes, volumes


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"symmetric_volume_adjustment": False, "osc_smoothness": 15},
        {"double_smoothing": True, "strength_smoothness": 4, "osc_smoothness": 3},
        {"osc_smoothness": 25},  # capped at trend_lookback 20
    ],
)
def test_matches_the_literal_algorithm(changes: dict[str, object]) -> None:
    closes, volumes = data(700)  # > 500 bars: the innovation buffer A rolls over
    s = settings(**changes)
    assert t_norm(closes, volumes, s) == pytest.approx(reference(closes, volumes, s), abs=1e-9)


@pytest.mark.parametrize(("n_s", "n_o"), [(15, 10), (15, 15), (4, 3), (1, 1)])
def test_first_nonzero_output_is_bar_n_s_plus_n_o_minus_1(n_s: int, n_o: int) -> None:
    closes, volumes = data(80)
    out = t_norm(closes, volumes, settings(strength_smoothness=n_s, osc_smoothness=n_o))
    first = n_s + n_o - 1
    assert (out[:first] == 0.0).all()
    assert out[first] != 0.0


def test_zero_volume_leaves_r_unscaled_then_snaps_the_next_bar() -> None:
    """V=0 on bar k: ρ=1 on k; then V_prev=0 gives ρ=0, R=0 on k+1: the level jumps to C_{k+1}."""
    closes, volumes = data(60)
    s = settings()
    same = volumes.copy()
    same[30] = same[29]  # symmetric ρ = V_prev / V = 1 on bar 30, like a zero volume
    zero = volumes.copy()
    zero[30] = 0.0
    _e_same, lvl_same = filter_path(closes, same, s)
    _e_zero, lvl_zero = filter_path(closes, zero, s)
    assert np.array_equal(lvl_same[:31], lvl_zero[:31])  # bar 30 itself: R unscaled
    assert lvl_zero[31] == pytest.approx(closes[31], abs=1e-9)  # bar 31: R = 0, snap
    assert abs(lvl_same[31] - closes[31]) > 1e-6
    assert t_norm(closes, zero, s) == pytest.approx(reference(closes, zero, s), abs=1e-9)


def test_output_depends_only_on_the_past() -> None:
    closes, volumes = data(300)
    s = settings()
    full = t_norm(closes, volumes, s)
    for cut in (25, 120, 299):
        assert t_norm(closes[:cut], volumes[:cut], s)[-1] == full[cut - 1]
