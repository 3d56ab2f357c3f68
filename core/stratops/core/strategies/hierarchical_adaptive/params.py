"""Validated parameters of the Hierarchical Adaptive family (v3.5b / v3.5d).

Every parameter name of the trader's existing YAML `parameters:` block is
accepted (the §6 tables of the strategy spec), with the original code defaults,
so a block copied from the predecessor works unchanged; unknown names are
rejected (`extra="forbid"`) because a typo would otherwise silently fall back
to a default.

Overlaps with `spec.execution` — `execution_time`, `rebalance_threshold` and
`rebalance_threshold_pct` may appear in `parameters` because the old YAML
carried them there. `spec.execution` is the authority: the parameter is only
checked, never used. A value that contradicts `spec.execution` is an error
naming both fields (see `check_execution_overlap`). `execution_time` maps onto
`spec.execution.timing` as `open`/`15min_after_open` -> `open` and
`close`/`15min_before_close` -> `close`.

v3.5b and v3.5d are one implementation: v3.5b rejects
`cell1_exit_confirmation_enabled: true` (that switch is what v3.5d means),
v3.5d defaults it to true.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, model_validator

from stratops.core.resource import Execution
from stratops.core.strategies.parameters import StrategyParams

ExecutionTime = Literal["open", "15min_after_open", "15min_before_close", "close"]

TIMING_OF_EXECUTION_TIME: dict[str, str] = {
    "open": "open",
    "15min_after_open": "open",
    "15min_before_close": "close",
    "close": "close",
}


class HierarchicalAdaptiveParams(StrategyParams):
    """All knobs of the family; defaults are the original code defaults (§6 first column)."""

    # Symbols and their roles (§1.1).
    signal_symbol: str = Field("QQQ", min_length=1)
    core_long_symbol: str = Field("QQQ", min_length=1)
    leveraged_long_symbol: str = Field("TQQQ", min_length=1)
    inverse_hedge_symbol: str = Field("PSQ", min_length=1)
    treasury_trend_symbol: str = Field("TLT", min_length=1)
    bull_bond_symbol: str = Field("TMF", min_length=1)
    bear_bond_symbol: str = Field("TMV", min_length=1)
    symbols: tuple[str, ...] | None = Field(
        None, description="Informational list from the old YAML; must cover every role symbol."
    )
    # Kalman trend filter (§2.1).
    measurement_noise: float = Field(2000.0, gt=0)
    process_noise_1: float = Field(0.01, gt=0)
    process_noise_2: float = Field(0.01, gt=0)
    osc_smoothness: int = Field(15, ge=1)
    strength_smoothness: int = Field(15, ge=1)
    T_max: float = Field(50.0, gt=0)
    symmetric_volume_adjustment: bool = False
    double_smoothing: bool = False
    # Structure, volatility, crush (§2.2-§2.5).
    sma_fast: int = Field(40, ge=1)
    sma_slow: int = Field(140, ge=2)
    t_norm_bull_thresh: float = Field(0.2, gt=0)
    t_norm_bear_thresh: float = Field(-0.3, lt=0)
    realized_vol_window: int = Field(21, ge=2)
    vol_baseline_window: int = Field(126, ge=2)
    upper_thresh_z: float = 1.0
    lower_thresh_z: float = 0.2
    vol_crush_threshold: float = Field(-0.15, lt=0)
    vol_crush_lookback: int = Field(5, ge=1)
    # Allocation (§4).
    leverage_scalar: float = Field(1.0, ge=0.5, le=1.5)
    use_inverse_hedge: bool = False
    w_PSQ_max: float = Field(0.5, gt=0, le=1)
    allow_treasury: bool = True
    bond_sma_fast: int = Field(20, ge=1)
    bond_sma_slow: int = Field(60, ge=2)
    max_bond_weight: float = Field(0.4, ge=0, le=1)
    # v3.5d Cell-1 exit confirmation (§3.4).
    cell1_exit_confirmation_enabled: bool = False
    cell1_exit_confirmation_days: int = Field(2, ge=1, le=10)
    # Overlaps with spec.execution: checked against it, never used (module docstring).
    rebalance_threshold: float = Field(0.025, gt=0)
    rebalance_threshold_pct: float | None = Field(None, gt=0, le=100)
    execution_time: ExecutionTime = "close"

    @model_validator(mode="after")
    def _constraints(self) -> Self:
        """The §4.4 cross-field rules, plus distinct held symbols (weights are keyed by symbol)."""
        problems = [msg for ok, msg in self._rules() if not ok]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _rules(self) -> list[tuple[bool, str]]:
        """(holds, `field: message`) pairs; the field prefix lets errors name the culprit."""
        held = self.held_symbols
        listed = self.symbols
        missing = [s for s in self.all_symbols if listed is not None and s not in listed]
        return [
            (
                self.sma_fast < self.sma_slow,
                f"sma_fast: must be below sma_slow ({self.sma_fast} >= {self.sma_slow})",
            ),
            (
                self.upper_thresh_z > self.lower_thresh_z,
                f"upper_thresh_z: must exceed lower_thresh_z "
                f"({self.upper_thresh_z} <= {self.lower_thresh_z})",
            ),
            (
                self.bond_sma_fast < self.bond_sma_slow,
                f"bond_sma_fast: must be below bond_sma_slow "
                f"({self.bond_sma_fast} >= {self.bond_sma_slow})",
            ),
            (
                len(set(held)) == len(held),
                "leveraged_long_symbol: the held symbols (leveraged, core, inverse, bull and bear "
                "bond) must all differ",
            ),
            (not missing, f"symbols: lacks {', '.join(missing)}"),
        ]

    @property
    def held_symbols(self) -> tuple[str, str, str, str, str]:
        """Instruments the strategy can hold, in the fixed §4.6 order (TQQQ QQQ PSQ TMF TMV)."""
        return (
            self.leveraged_long_symbol,
            self.core_long_symbol,
            self.inverse_hedge_symbol,
            self.bull_bond_symbol,
            self.bear_bond_symbol,
        )

    @property
    def all_symbols(self) -> tuple[str, ...]:
        """Every series the strategy reads (signal, bond trend and held), without repeats."""
        ordered = (self.signal_symbol, self.treasury_trend_symbol, *self.held_symbols)
        return tuple(dict.fromkeys(ordered))

    def execution_problems(self, execution: Execution) -> list[str]:
        return check_execution_overlap(self, execution)

    @property
    def signal_window(self) -> int:
        """L_sig of §1.4: closes needed before the first decision."""
        return max(self.sma_slow + 10, self.vol_baseline_window + self.realized_vol_window)

    @property
    def warmup_bars(self) -> int:
        """`get_required_warmup_bars()` of §1.4."""
        bond = self.bond_sma_slow if self.allow_treasury else 0
        return max(self.signal_window, bond)


class V35bParams(HierarchicalAdaptiveParams):
    """v3.5b: the §3.4 confirmation is what distinguishes v3.5d, so it cannot be switched on."""

    @model_validator(mode="after")
    def _no_confirmation(self) -> Self:
        if self.cell1_exit_confirmation_enabled:
            raise ValueError(
                "cell1_exit_confirmation_enabled: true is what v3.5d means; "
                "use strategyClass Hierarchical_Adaptive_v3_5d"
            )
        return self


class V35dParams(HierarchicalAdaptiveParams):
    """v3.5d: v3.5b plus the Cell-1 exit confirmation, enabled unless switched off."""

    cell1_exit_confirmation_enabled: bool = True


def check_execution_overlap(params: HierarchicalAdaptiveParams, execution: Execution) -> list[str]:
    """Contradictions between parameters and spec.execution, one `field: message` each."""
    problems: list[str] = []
    given = params.model_fields_set
    if "execution_time" in given:
        timing = TIMING_OF_EXECUTION_TIME[params.execution_time]
        if timing != execution.timing:
            problems.append(
                f"parameters.execution_time: {params.execution_time!r} means timing {timing!r} "
                f"but spec.execution.timing is {execution.timing!r}; spec.execution decides, "
                "remove the parameter or make the two agree"
            )
    pairs: list[tuple[str, Any, Any, str]] = [
        (
            "rebalance_threshold",
            params.rebalance_threshold,
            execution.rebalance_threshold,
            "rebalanceThreshold",
        ),
        (
            "rebalance_threshold_pct",
            params.rebalance_threshold_pct,
            execution.rebalance_threshold_pct,
            "rebalanceThresholdPct",
        ),
    ]
    for name, mine, theirs, alias in pairs:
        if name in given and mine is not None and mine != theirs:
            problems.append(
                f"parameters.{name}: {mine} contradicts spec.execution.{alias} {theirs}; "
                "spec.execution decides, remove the parameter or make the two agree"
            )
    return problems
