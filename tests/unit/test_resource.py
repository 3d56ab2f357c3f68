"""The TradingStrategy model: what a valid manifest is and how mistakes are reported."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from stratops.core.manifests import ManifestError, describe_validation_error, parse_strategy
from stratops.core.resource import TradingStrategy

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "manifests" / "strategies").glob("*.yaml"))


def _minimal() -> dict[str, Any]:
    return {
        "apiVersion": "trading.stratops.dev/v1alpha1",
        "kind": "TradingStrategy",
        "metadata": {"name": "v3-5b"},
        "spec": {"strategyId": "v3_5b", "strategyClass": "Hierarchical_Adaptive_v3_5b"},
    }


def _with(path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_minimal())
    *parents, leaf = path.split(".")
    node = doc
    for key in parents:
        node = node.setdefault(key, {})
    if value is _DELETE:
        del node[leaf]
    else:
        node[leaf] = value
    return doc


_DELETE = object()


def _problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ManifestError) as info:
        parse_strategy(doc, "x.yaml")
    return info.value.problems


def test_defaults_follow_the_design() -> None:
    spec = TradingStrategy.model_validate(_minimal()).spec
    assert (spec.primary, spec.active, spec.mode) == (False, True, "paper")
    assert (spec.schedule, spec.time_zone) == ("45 9 * * 1-5", "America/New_York")
    assert spec.initial_capital == 10000.0
    assert spec.state_retention == "Retain"
    ex = spec.execution
    assert (ex.timing, ex.commission_per_share, ex.slippage_pct) == ("open", 0.01, 0.1)
    assert (ex.rebalance_policy, ex.rebalance_threshold, ex.rebalance_threshold_pct) == (
        "target_change",
        0.025,
        5.0,
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_shipped_manifests_are_valid(path: Path) -> None:
    strategy = TradingStrategy.model_validate(yaml.safe_load(path.read_text()))
    assert strategy.spec.parameters, "shipped manifests carry the paper-traded parameters"


def test_exactly_one_shipped_manifest_is_primary() -> None:
    flags = [yaml.safe_load(p.read_text())["spec"].get("primary", False) for p in EXAMPLES]
    assert flags.count(True) == 1


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("spec.initialCapital", -5, "spec.initialCapital: must be greater than 0"),
        ("spec.initialCapital", 0, "spec.initialCapital: must be greater than 0"),
        ("spec.mode", "live", "spec.mode: must be 'paper'"),
        ("spec.strategyClass", _DELETE, "spec.strategyClass: is required"),
        ("spec.strategyId", _DELETE, "spec.strategyId: is required"),
        ("spec.execution.timing", "noon", "spec.execution.timing: must be 'close' or 'open'"),
        ("spec.stateRetention", "Keep", "spec.stateRetention: must be 'Retain' or 'Delete'"),
        ("spec.colour", "red", "spec.colour: is not a known field"),
        ("metadata.name", "Bad_Name", "metadata.name: must be a DNS label"),
    ],
)
def test_each_mistake_is_one_clear_line(path: str, value: Any, expected: str) -> None:
    problems = _problems(_with(path, value))
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_bad_strategy_id_names_the_rule_and_the_value() -> None:
    (problem,) = _problems(_with("spec.strategyId", "V3.5B"))
    assert problem == (
        "spec.strategyId: must be 1-50 lowercase letters, digits or underscores (got 'V3.5B')"
    )


def test_every_problem_is_reported_not_just_the_first() -> None:
    doc = _with("spec.initialCapital", -1)
    doc["spec"]["mode"] = "live"
    assert len(_problems(doc)) == 2


def test_model_is_frozen() -> None:
    spec = TradingStrategy.model_validate(_minimal()).spec
    with pytest.raises(ValueError, match="frozen"):
        spec.primary = True  # type: ignore[misc]


def test_describe_validation_error_uses_manifest_field_names() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as info:
        TradingStrategy.model_validate(_with("spec.execution.slippagePct", -1))
    assert describe_validation_error(info.value) == [
        "spec.execution.slippagePct: must be greater than or equal to 0"
    ]
