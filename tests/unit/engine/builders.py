"""Builders for the engine tests: hand-made bars, seeded synthetic markets, specs.

Everything here is deterministic (seeded `np.random.default_rng`), so any test
can compare floats exactly between two computations that should be the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stratops.core.marketdata.frames import MarketData
from stratops.core.resource import TradingStrategySpec

ROOT = Path(__file__).resolve().parents[3]

SMALL = {
    "sma_fast": 5,
    "sma_slow": 20,
    "realized_vol_window": 5,
    "vol_baseline_window": 20,
    "bond_sma_fast": 5,
    "bond_sma_slow": 10,
    "osc_smoothness": 3,
    "strength_smoothness": 4,
    "t_norm_bull_thresh": 0.05,
    "measurement_noise": 3.0,
}
"""Short windows: L_sig = max(20 + 10, 20 + 5) = 30, so a first decision on bar 29."""

GOLD = {
    "measurement_noise": 3000.0,
    "osc_smoothness": 10,
    "symmetric_volume_adjustment": True,
    "t_norm_bull_thresh": 0.05,
    "vol_baseline_window": 200,
}
"""The §6 backtest-gold values that differ from the code defaults."""


def sessions(n: int, start: str = "2020-01-01") -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n, name="date")


def bars(
    closes: Sequence[float],
    volumes: Sequence[float] | None = None,
    index: pd.DatetimeIndex | None = None,
    opens: Sequence[float] | None = None,
) -> pd.DataFrame:
    """A bar frame in the MarketData shape; open defaults to the close."""
    c = np.asarray(closes, dtype=np.float64)
    idx = index if index is not None else sessions(len(c))
    o = np.asarray(opens, dtype=np.float64) if opens is not None else c.copy()
    v = np.asarray(volumes, dtype=np.float64) if volumes is not None else np.full(len(c), 1e6)
    frame = pd.DataFrame(
        {"open": o, "high": np.maximum(o, c), "low": np.minimum(o, c), "close": c, "volume": v},
        index=idx,
    )
    frame.index.name = "date"
    return frame


def market(frames: Mapping[str, pd.DataFrame], synthetic: bool = True) -> MarketData:
    return MarketData(bars=dict(frames), snapshot_id="test", provider="test", synthetic=synthetic)


def random_market(n: int = 600, seed: int = 7, tqqq_start: int = 0) -> MarketData:
    """Seeded regime-switching index, 3x/-1x derivatives, a bond with 3x/-3x ETFs."""
    rng = np.random.default_rng(seed)
    regime = np.repeat(rng.choice([0.0012, -0.0015, 0.0002], size=n // 40 + 1), 40)[:n]
    vol = np.repeat(rng.choice([0.008, 0.025], size=n // 60 + 1), 60)[:n]
    r = regime + vol * rng.standard_normal(n)
    rb = 0.0002 * np.sign(np.sin(np.arange(n) / 50.0)) + 0.006 * rng.standard_normal(n)
    idx = sessions(n, "2015-01-01")
    volume = rng.integers(1_000_000, 5_000_000, n).astype(float)
    frames = {
        "QQQ": _walk(100.0, r, idx, rng, volume),
        "TQQQ": _walk(20.0, 3 * r, idx, rng),
        "PSQ": _walk(50.0, -r, idx, rng),
        "TLT": _walk(120.0, rb, idx, rng),
        "TMF": _walk(30.0, 3 * rb, idx, rng),
        "TMV": _walk(60.0, -3 * rb, idx, rng),
    }
    frames["TQQQ"] = frames["TQQQ"].iloc[tqqq_start:]
    return market(frames)


def _walk(
    p0: float,
    returns: np.ndarray,
    idx: pd.DatetimeIndex,
    rng: np.random.Generator,
    volume: np.ndarray | None = None,
) -> pd.DataFrame:
    closes = p0 * np.cumprod(1.0 + returns)
    opens = closes / (1.0 + 0.3 * returns + 0.001 * rng.standard_normal(len(returns)))
    vols = volume if volume is not None else np.full(len(returns), 1e6)
    return bars(closes, vols, idx, opens)


def spec(
    strategy_class: str = "Hierarchical_Adaptive_v3_5b",
    parameters: Mapping[str, Any] | None = None,
    **execution: Any,
) -> TradingStrategySpec:
    """A spec with the given parameters; execution keys use the YAML (camelCase) names."""
    doc: dict[str, Any] = {
        "strategyId": "t",
        "strategyClass": strategy_class,
        "parameters": dict(parameters or {}),
        "execution": {"timing": "close", **execution},
    }
    signal_start = doc["execution"].pop("signalStart", None)
    if signal_start is not None:
        doc["signalStart"] = signal_start
    return TradingStrategySpec.model_validate(doc)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
