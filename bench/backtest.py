"""Engine speed on the real data: printed figures, not assertions.

    .venv/bin/python bench/backtest.py [--data-dir DIR] [--repeat N]

Measures, in one run on the six real series (../shared/data by default):

1. a 16-year daily backtest of v3.5b (manifests/strategies/v3-5b.yaml),
   2010-01-01 .. 2025-12-12, data already in memory (goal <= 0.15 s);
2. a live-day replay: `step_session` for one day without prepared signals,
   i.e. every indicator replayed from the first bar (goal <= 50 ms);
3. a straightforward per-bar pandas implementation of the same indicators
   (what an event-driven engine does: on each bar, rebuild the windows with
   pandas rolling functions and step a matrix Kalman filter), and its time
   ratio to the engine's one-pass signal computation. It also reports how
   many daily cells the two agree on, as a check that both compute the same.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from stratops.core.backtest import prepare, run_backtest, step_session
from stratops.core.broker import PortfolioState
from stratops.core.manifests import load_strategy
from stratops.core.marketdata.cache import load_market_data
from stratops.core.marketdata.frames import MarketData
from stratops.core.strategies.hierarchical_adaptive.params import HierarchicalAdaptiveParams
from stratops.core.strategies.registry import build_strategy

ROOT = Path(__file__).resolve().parents[1]
START, END = dt.date(2010, 1, 1), dt.date(2025, 12, 12)


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Fastest of `repeat` runs (seconds) and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


class PerBarKalman:
    """§2.1 stepped bar by bar with numpy matrices and deques, as an event-driven engine does."""

    def __init__(self, p: HierarchicalAdaptiveParams) -> None:
        self.p = p
        self.F = np.array([[1.0, 1.0], [0.0, 1.0]])
        self.Q = np.diag([p.process_noise_1, p.process_noise_2])
        self.x: np.ndarray | None = None
        self.P = np.eye(2)
        self.v_prev = 0.0
        self.A: deque[float] = deque(maxlen=500)
        self.B: deque[float] = deque(maxlen=20)
        self.n_o, self.n_s = min(p.osc_smoothness, 20), min(p.strength_smoothness, 500)

    def step(self, c: float, v: float) -> float:
        if self.x is None:
            self.x, self.v_prev = np.array([c, 0.0]), v
            return 0.0
        x, P = self.F @ self.x, self.F @ self.P @ self.F.T + self.Q
        sym = self.p.symmetric_volume_adjustment
        rho = (self.v_prev / v if sym else self.v_prev / max(self.v_prev, v)) if v > 0 else 1.0
        s = P[0, 0] + self.p.measurement_noise * rho
        K = np.array([P[0, 0] / s, P[1, 0] / s])
        e = c - x[0]
        self.x, self.P = x + K * e, (np.eye(2) - np.outer(K, [1.0, 0.0])) @ P
        self.v_prev = v
        self.A.append(abs(e))
        if len(self.A) < self.n_s:
            return 0.0
        m = max(self.A)
        self.B.append(100.0 * e / m if m else 0.0)
        if len(self.B) < self.n_o:
            return 0.0
        w = np.arange(1, self.n_o + 1)
        strength = float(np.dot(w, list(self.B)[-self.n_o :]) / w.sum())
        return float(np.clip(strength / self.p.T_max, -1, 1))


def per_bar_pandas_cells(p: HierarchicalAdaptiveParams, data: MarketData) -> list[int]:
    """Cells per bar, every window rebuilt with pandas on each bar (no state but Kalman/vol)."""
    qqq, tlt = data.bars[p.signal_symbol], data.bars[p.treasury_trend_symbol]["close"]
    kalman, vol, cells = PerBarKalman(p), 0, []
    closes, volumes = qqq["close"], qqq["volume"]
    for i, date in enumerate(qqq.index):
        t = kalman.step(float(closes.iloc[i]), float(volumes.iloc[i]))
        window = closes.iloc[max(0, i + 1 - p.signal_window) : i + 1]
        if len(window) < p.signal_window:
            cells.append(3)
            continue
        fast = window.rolling(p.sma_fast).mean().iloc[-1]
        slow = window.rolling(p.sma_slow).mean().iloc[-1]
        sigma = np.log(window / window.shift(1)).rolling(p.realized_vol_window).std() * np.sqrt(252)
        base = sigma.iloc[-p.vol_baseline_window :]
        z = (sigma.iloc[-1] - base.mean()) / base.std() if base.std() != 0 else 0.0
        vol = 1 if z > p.upper_thresh_z else 0 if z < p.lower_thresh_z else vol
        then = sigma.iloc[-1 - p.vol_crush_lookback]
        crush = then != 0 and (sigma.iloc[-1] - then) / then < p.vol_crush_threshold
        vol = 0 if crush else vol
        bull = fast > slow
        trend = (
            1
            if t > p.t_norm_bull_thresh and bull
            else -1
            if t < p.t_norm_bear_thresh and not bull
            else 0
        )
        trend = 0 if crush and trend == -1 else trend
        bond = tlt.loc[:date].iloc[-(p.bond_sma_slow + 10) :]
        _ = (
            bond.rolling(p.bond_sma_fast).mean().iloc[-1]
            > bond.rolling(p.bond_sma_slow).mean().iloc[-1]
        )
        cells.append(1 + 2 * (1 - trend) + vol)
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = load_market_data(args.data_dir)
    manifest = load_strategy(ROOT / "manifests" / "strategies" / "v3-5b.yaml")
    spec, strategy = manifest.spec, build_strategy(manifest.spec)
    bars = len(data.bars[strategy.signal_symbol])
    print(f"data: {args.data_dir.name}/ {data.symbols} {bars} {strategy.signal_symbol} bars")

    t_bt, result = best(lambda: run_backtest(strategy, spec, data, START, END), args.repeat)
    t_sig, signals = best(lambda: strategy.compute_signals(data), args.repeat)
    t_prep, _ = best(lambda: prepare(strategy, spec, data, END), args.repeat)
    print(f"backtest v3.5b {START}..{END}: {len(result.rows)} sessions, {len(result.fills)} fills")
    print(f"  engine time        {t_bt * 1000:8.1f} ms   (goal <= 150 ms)")
    print(f"  of which signals   {t_sig * 1000:8.1f} ms   (one pass over {bars} bars)")
    print(f"  prepare (signals + price table) {t_prep * 1000:.1f} ms")

    day = END
    state = PortfolioState.initial(spec.initial_capital)
    t_live, _ = best(lambda: step_session(strategy, spec, data, day, state), args.repeat * 4)
    print(
        f"live-day replay {day} (signals from the first bar, one session): {t_live * 1000:.1f} ms"
        "   (goal <= 50 ms)"
    )

    t_pd, cells = best(lambda: per_bar_pandas_cells(strategy.params, data), 1)
    ours = signals.cell.tolist()
    agree = sum(a == b for a, b in zip(ours, cells, strict=True)) / len(ours)
    print(f"per-bar pandas baseline: {t_pd * 1000:8.1f} ms for the same {bars} bars")
    print(
        f"  ratio baseline / engine signals: {t_pd / t_sig:6.0f}x   "
        f"(cells agree on {agree * 100:.2f} % of bars)"
    )
    print(f"  ratio baseline / whole engine backtest: {t_pd / t_bt:6.0f}x")


if __name__ == "__main__":
    main()
