"""What the engine needs from any strategy: symbols, warm-up, parameters, signals.

A strategy is a pure function of market data: `compute_signals` replays the
bars from `signal_start` and returns one row per session of its signal symbol.
The backtest, the live runner and the API only talk to this interface.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from stratops.core.marketdata.frames import MarketData
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies import identity
from stratops.core.strategies.parameters import StrategyParams

CASH = "CASH"


@dataclass(frozen=True)
class Decision:
    """The signal in force for one session: regime and target weights (incl. CASH)."""

    signal_date: dt.date
    cell: int
    trend: str
    vol: str
    t_norm: float
    z: float
    weights: Mapping[str, float]


@dataclass(frozen=True)
class SignalFrame:
    """Signals for every session of the signal symbol from signal_start, as column arrays.

    `weights` has one column per entry of `held` plus a last column for cash;
    rows without a decision (warm-up) are NaN there and carry the strategy's
    default regime labels. `indicators` holds further per-row columns for export.
    """

    dates: pd.DatetimeIndex
    decided: npt.NDArray[np.bool_]
    cell: npt.NDArray[np.int64]
    trend: npt.NDArray[np.object_]
    vol: npt.NDArray[np.object_]
    t_norm: npt.NDArray[np.float64]
    z: npt.NDArray[np.float64]
    held: tuple[str, ...]
    weights: npt.NDArray[np.float64]
    indicators: Mapping[str, npt.NDArray[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.dates)

    def position(self, date: dt.date) -> int | None:
        """Row of a session date, None if it is not a session here."""
        ts = pd.Timestamp(date)
        i = int(self.dates.searchsorted(ts))
        return i if i < len(self.dates) and self.dates[i] == ts else None

    def decision(self, i: int) -> Decision | None:
        """Row i as a Decision, None during warm-up."""
        if not self.decided[i]:
            return None
        rows = self._rows
        return Decision(
            signal_date=rows.dates[i],
            cell=rows.cell[i],
            trend=str(self.trend[i]),
            vol=str(self.vol[i]),
            t_norm=rows.t_norm[i],
            z=rows.z[i],
            weights=dict(zip(rows.names, rows.weights[i], strict=True)),
        )

    @cached_property
    def _rows(self) -> _Rows:
        """Python-native copies of the columns: a per-session lookup then costs no numpy calls."""
        return _Rows(
            dates=list(self.dates.date),
            cell=self.cell.tolist(),
            t_norm=self.t_norm.tolist(),
            z=self.z.tolist(),
            weights=self.weights.tolist(),
            names=(*self.held, CASH),
        )

    def to_frame(self) -> pd.DataFrame:
        """All columns as a DataFrame indexed by date (weights as `w_<SYMBOL>`)."""
        data: dict[str, Any] = {
            "decided": self.decided,
            "cell": self.cell,
            "trend": self.trend,
            "vol": self.vol,
            "t_norm": self.t_norm,
            "z": self.z,
        }
        data.update(self.indicators)
        for j, name in enumerate((*self.held, CASH)):
            data[f"w_{name}"] = self.weights[:, j]
        return pd.DataFrame(data, index=self.dates.rename("date"))


@dataclass(frozen=True)
class _Rows:
    dates: list[dt.date]
    cell: list[int]
    t_norm: list[float]
    z: list[float]
    weights: list[list[float]]
    names: tuple[str, ...]


class Strategy(Protocol):
    """A configured strategy instance: validated parameters bound to a registered name."""

    name: ClassVar[str]
    unhashed_params: ClassVar[frozenset[str]]

    @property
    def params(self) -> StrategyParams: ...

    @property
    def symbols(self) -> tuple[str, ...]: ...

    @property
    def held_symbols(self) -> tuple[str, ...]: ...

    @property
    def required_symbols(self) -> tuple[str, ...]: ...

    @property
    def warmup_bars(self) -> int: ...

    @property
    def signal_symbol(self) -> str: ...

    def compute_signals(
        self,
        market_data: MarketData,
        signal_start: dt.date | None = None,
        through: dt.date | None = None,
    ) -> SignalFrame: ...

    def params_hash(self, spec: TradingStrategySpec) -> str: ...


def config_hash(strategy: Strategy, spec: TradingStrategySpec) -> str:
    """The configuration's identity (see `stratops.core.strategies.identity`)."""
    return identity.config_hash(strategy.name, strategy.params, spec)
