"""Parameters: every §6 name accepted, §4.4 rules enforced, errors that name the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from stratops.core.errors import UserError
from stratops.core.manifests import load_strategy
from stratops.core.strategies.base import config_hash
from stratops.core.strategies.hierarchical_adaptive.params import V35bParams, V35dParams
from stratops.core.strategies.registry import (
    StrategyConfigError,
    build_strategy,
    get_strategy,
    known_strategies,
)

from .builders import GOLD, ROOT, spec

MANIFESTS = sorted((ROOT / "manifests" / "strategies").glob("*.yaml")) + sorted(
    (ROOT / "config" / "backtest-gold").glob("*.yaml")
)

# A trader's existing YAML block: every parameter name of the §6 tables.
TRADER_BLOCK: dict[str, Any] = {
    "signal_symbol": "QQQ",
    "core_long_symbol": "QQQ",
    "leveraged_long_symbol": "TQQQ",
    "inverse_hedge_symbol": "PSQ",
    "treasury_trend_symbol": "TLT",
    "bull_bond_symbol": "TMF",
    "bear_bond_symbol": "TMV",
    "symbols": ["QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV"],
    "measurement_noise": 3000,
    "process_noise_1": 0.01,
    "process_noise_2": 0.01,
    "osc_smoothness": 15,
    "strength_smoothness": 15,
    "T_max": 50,
    "symmetric_volume_adjustment": False,
    "double_smoothing": False,
    "sma_fast": 40,
    "sma_slow": 140,
    "t_norm_bull_thresh": 0.05,
    "t_norm_bear_thresh": -0.3,
    "realized_vol_window": 21,
    "vol_baseline_window": 200,
    "upper_thresh_z": 1.0,
    "lower_thresh_z": 0.2,
    "vol_crush_threshold": -0.15,
    "vol_crush_lookback": 5,
    "leverage_scalar": 1.0,
    "use_inverse_hedge": False,
    "w_PSQ_max": 0.5,
    "allow_treasury": True,
    "bond_sma_fast": 20,
    "bond_sma_slow": 60,
    "max_bond_weight": 0.4,
    "rebalance_threshold": 0.025,
    "execution_time": "15min_after_open",
    "cell1_exit_confirmation_enabled": True,
    "cell1_exit_confirmation_days": 2,
}


def test_registry_lists_both_names() -> None:
    assert {"Hierarchical_Adaptive_v3_5b", "Hierarchical_Adaptive_v3_5d"} <= set(known_strategies())


def test_unknown_class_lists_known_names() -> None:
    with pytest.raises(UserError, match=r"known: .*Hierarchical_Adaptive_v3_5b"):
        get_strategy("Nope")


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: Path(p).name)
def test_shipped_manifests_build(path: Path) -> None:
    manifest = load_strategy(path)
    strategy = build_strategy(manifest.spec)
    assert strategy.name == manifest.spec.strategy_class
    assert strategy.warmup_bars == 221


def test_trader_block_is_accepted_unchanged_by_v3_5d() -> None:
    s = build_strategy(spec("Hierarchical_Adaptive_v3_5d", TRADER_BLOCK, timing="open"))
    assert s.params.cell1_exit_confirmation_days == 2


def test_v3_5b_refuses_the_confirmation_switch() -> None:
    block = {**TRADER_BLOCK, "cell1_exit_confirmation_enabled": True}
    with pytest.raises(StrategyConfigError) as info:
        build_strategy(spec("Hierarchical_Adaptive_v3_5b", block, timing="open"))
    assert info.value.problems[0].startswith("parameters.cell1_exit_confirmation_enabled:")


def test_v3_5d_enables_confirmation_by_default_v3_5b_disables_it() -> None:
    assert V35dParams().cell1_exit_confirmation_enabled is True
    assert V35bParams().cell1_exit_confirmation_enabled is False


def test_code_defaults_and_warmup_formula() -> None:
    p = V35bParams()
    assert (p.measurement_noise, p.osc_smoothness, p.vol_baseline_window) == (2000.0, 15, 126)
    assert p.signal_window == max(140 + 10, 126 + 21)
    assert V35bParams(**GOLD).warmup_bars == 221
    assert V35bParams(bond_sma_slow=300, bond_sma_fast=20).warmup_bars == 300
    assert V35bParams(bond_sma_slow=300, bond_sma_fast=20, allow_treasury=False).warmup_bars == 150


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sma_fast": 140}, "sma_fast"),
        ({"upper_thresh_z": 0.2}, "upper_thresh_z"),
        ({"bond_sma_fast": 60}, "bond_sma_fast"),
        ({"leverage_scalar": 1.6}, "leverage_scalar"),
        ({"leverage_scalar": 0.4}, "leverage_scalar"),
        ({"vol_crush_threshold": 0.0}, "vol_crush_threshold"),
        ({"w_PSQ_max": 0.0}, "w_PSQ_max"),
        ({"rebalance_threshold": 0.0}, "rebalance_threshold"),
        ({"max_bond_weight": 1.1}, "max_bond_weight"),
        ({"execution_time": "5min_before_close"}, "execution_time"),
        ({"t_norm_bull_thresh": 0.0}, "t_norm_bull_thresh"),
        ({"t_norm_bear_thresh": 0.1}, "t_norm_bear_thresh"),
        ({"cell1_exit_confirmation_days": 11}, "cell1_exit_confirmation_days"),
        ({"bull_bond_symbol": "QQQ"}, "leveraged_long_symbol"),
        ({"symbols": ["QQQ"]}, "symbols"),
        ({"smaFast": 10}, "smaFast"),
    ],
)
def test_each_violation_names_its_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(StrategyConfigError) as info:
        build_strategy(spec("Hierarchical_Adaptive_v3_5d", changes))
    assert any(line.startswith(f"parameters.{field}:") for line in info.value.problems)


def test_several_problems_are_all_listed() -> None:
    with pytest.raises(StrategyConfigError) as info:
        build_strategy(spec(parameters={"sma_fast": "x", "osc_smoothness": 0, "typo": 1}))
    fields = sorted(line.split(":")[0] for line in info.value.problems)
    assert fields == ["parameters.osc_smoothness", "parameters.sma_fast", "parameters.typo"]


@pytest.mark.parametrize(
    ("params", "execution", "names"),
    [
        ({"execution_time": "15min_after_open"}, {"timing": "close"}, "execution_time"),
        ({"execution_time": "close"}, {"timing": "open"}, "execution_time"),
        ({"rebalance_threshold": 0.05}, {}, "rebalance_threshold"),
        (
            {"rebalance_threshold_pct": 3.0},
            {"rebalanceThresholdPct": 5.0},
            "rebalance_threshold_pct",
        ),
    ],
)
def test_contradictions_with_spec_execution_name_both_fields(
    params: dict[str, Any], execution: dict[str, Any], names: str
) -> None:
    with pytest.raises(StrategyConfigError) as info:
        build_strategy(spec(parameters=params, **execution))
    (line,) = info.value.problems
    assert line.startswith(f"parameters.{names}:")
    assert "spec.execution." in line


@pytest.mark.parametrize(
    ("value", "timing"),
    [("open", "open"), ("15min_after_open", "open"), ("15min_before_close", "close")],
)
def test_agreeing_overlaps_are_fine(value: str, timing: str) -> None:
    build_strategy(
        spec(parameters={"execution_time": value, "rebalance_threshold": 0.025}, timing=timing)
    )


def test_config_hash_identifies_what_changes_numbers() -> None:
    base = build_strategy(spec(parameters=GOLD))
    h = config_hash(base, spec(parameters=GOLD))
    assert len(h) == 64
    assert h == config_hash(base, spec(parameters=GOLD))
    explicit = {**GOLD, "execution_time": "close", "sma_fast": 40}  # defaults/cross-checks only
    assert config_hash(build_strategy(spec(parameters=explicit)), spec(parameters=explicit)) == h
    other = spec(parameters={**GOLD, "sma_fast": 41})
    assert config_hash(build_strategy(other), other) != h
    slower = spec(parameters=GOLD, slippagePct=0.2)
    assert config_hash(base, slower) != h


def test_params_are_frozen() -> None:
    p = V35bParams()
    with pytest.raises(ValidationError):
        p.sma_fast = 3  # type: ignore[misc]
