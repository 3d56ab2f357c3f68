"""The Hierarchical Adaptive strategy family and its two registered names.

One implementation, parameterised: v3.5d is v3.5b plus the §3.4 Cell-1 exit
confirmation. The two classes differ only in their name and parameter model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from stratops.core.marketdata.frames import MarketData
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.base import SignalFrame, config_hash
from stratops.core.strategies.hierarchical_adaptive import signals
from stratops.core.strategies.hierarchical_adaptive.params import (
    HierarchicalAdaptiveParams,
    V35bParams,
    V35dParams,
)


class HierarchicalAdaptive:
    """Kalman trend x volatility regime -> cell -> target weights (§1-§4)."""

    name: ClassVar[str] = "Hierarchical_Adaptive"
    params_model: ClassVar[type[HierarchicalAdaptiveParams]] = HierarchicalAdaptiveParams
    unhashed_params: ClassVar[frozenset[str]] = HierarchicalAdaptiveParams.unhashed
    """Only cross-checked against spec.execution, or informational: never change numbers."""

    def __init__(self, params: HierarchicalAdaptiveParams | dict[str, Any] | None = None) -> None:
        if not isinstance(params, HierarchicalAdaptiveParams):
            params = self.params_model.model_validate(params or {})
        self._params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name})"

    @property
    def params(self) -> HierarchicalAdaptiveParams:
        return self._params

    @property
    def signal_symbol(self) -> str:
        return self._params.signal_symbol

    @property
    def symbols(self) -> tuple[str, ...]:
        """Every series the strategy reads: signal, bond trend and held instruments."""
        return self._params.all_symbols

    @property
    def held_symbols(self) -> tuple[str, ...]:
        """Instruments that can receive weight, in the fixed order orders are issued."""
        return self._params.held_symbols

    @property
    def required_symbols(self) -> tuple[str, ...]:
        """Series without which the configured strategy cannot work as specified."""
        p = self._params
        needed = [p.signal_symbol, p.leveraged_long_symbol, p.core_long_symbol]
        if p.allow_treasury:
            needed += [p.treasury_trend_symbol, p.bull_bond_symbol, p.bear_bond_symbol]
        if p.use_inverse_hedge:
            needed.append(p.inverse_hedge_symbol)
        return tuple(dict.fromkeys(needed))

    @property
    def warmup_bars(self) -> int:
        """Bars of the signal symbol before the first decision can exist (§1.4)."""
        return self._params.warmup_bars

    def compute_signals(
        self,
        market_data: MarketData,
        signal_start: dt.date | None = None,
        through: dt.date | None = None,
    ) -> SignalFrame:
        """The whole signal series, replayed from signal_start (default: first bar)."""
        return signals.compute(self._params, market_data, signal_start, through)

    def params_hash(self, spec: TradingStrategySpec) -> str:
        """Identity of this configuration under `spec` (see base.config_hash)."""
        return config_hash(self, spec)


class HierarchicalAdaptiveV35b(HierarchicalAdaptive):
    """Registered as Hierarchical_Adaptive_v3_5b: no Cell-1 exit confirmation."""

    name = "Hierarchical_Adaptive_v3_5b"
    params_model = V35bParams


class HierarchicalAdaptiveV35d(HierarchicalAdaptive):
    """Registered as Hierarchical_Adaptive_v3_5d: exits from Cell 1 need N confirmations."""

    name = "Hierarchical_Adaptive_v3_5d"
    params_model = V35dParams
