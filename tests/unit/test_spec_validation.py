"""The shared spec validation: every rule names its field, and it never loads the engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from stratops.core.spec_validation import check_manifest, check_spec

ROOT = Path(__file__).resolve().parents[2]
V35B = ROOT / "manifests" / "strategies" / "v3-5b.yaml"
HEAVY = ("pandas", "numpy", "exchange_calendars")


def _spec(**changes: Any) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(V35B.read_text())["spec"]
    params = changes.pop("parameters", {})
    return {**spec, **changes, "parameters": {**spec["parameters"], **params}}


def test_the_shipped_spec_passes_with_its_symbols() -> None:
    checked = check_spec(_spec())
    assert checked.ok, checked.message()
    assert set(checked.symbols) == {"QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV"}


@pytest.mark.parametrize(
    ("changes", "path", "rule"),
    [
        ({"parameters": {"sma_fast": -5}}, "spec.parameters.sma_fast", "greater than or equal"),
        ({"parameters": {"sma_fast": 140}}, "spec.parameters.sma_fast", "must be below sma_slow"),
        ({"parameters": {"sma_fastt": 40}}, "spec.parameters.sma_fastt", "not a known field"),
        ({"parameters": {"T_max": float("inf")}}, "spec.parameters", "T_max: must be a finite"),
        ({"parameters": {"T_max": float("nan")}}, "spec.parameters", "T_max: must be a finite"),
        ({"initialCapital": float("inf")}, "spec.initialCapital", "finite number"),
        ({"execution": {"slippagePct": float("nan")}}, "spec.execution.slippagePct", "finite"),
        ({"strategyClass": "Nope"}, "spec.strategyClass", "unknown strategyClass 'Nope'"),
        ({"timeZone": "Mars/Olympus"}, "spec.timeZone", "unknown time zone 'Mars/Olympus'"),
        ({"schedule": "every day at nine"}, "spec.schedule", "expected 5 fields"),
        ({"schedule": "45 25 * * 1-5"}, "spec.schedule", "bad hour field"),
    ],
)
def test_each_rule_names_its_field(changes: dict[str, Any], path: str, rule: str) -> None:
    checked = check_spec(_spec(**changes))
    assert not checked.ok
    assert checked.symbols == ()
    assert [p.path for p in checked.problems] == [path], checked.message()
    assert rule in checked.problems[0].rule


def test_every_problem_is_listed_at_once() -> None:
    checked = check_spec(_spec(timeZone="Nowhere/X", parameters={"sma_fast": 0, "sma_slowx": 1}))
    paths = sorted(p.path for p in checked.problems)
    assert paths == ["spec.parameters.sma_fast", "spec.parameters.sma_slowx", "spec.timeZone"]
    assert checked.spec is not None, "the spec itself parsed: callers may still act on it"


def test_a_manifest_check_reports_metadata_too() -> None:
    doc = yaml.safe_load(V35B.read_text())
    doc["metadata"]["name"] = "Not_A_Label"
    checked = check_manifest(doc)
    assert checked.resource is None
    assert [p.path for p in checked.problems] == ["metadata.name"]


def test_validating_imports_no_engine(tmp_path: Path) -> None:
    """The operator and `validate` stay small: no pandas, numpy or exchange_calendars."""
    bad = {**_spec(), "parameters": {"sma_fast": 150, "sma_slow": 140}}
    script = f"""
import json, sys
from stratops.core.spec_validation import check_spec
from stratops.operator.resources import check_spec as operator_check
from stratops.core.manifest_check import check_file
good = check_spec(json.loads({json.dumps(json.dumps(_spec()))}))
bad = check_spec(json.loads({json.dumps(json.dumps(bad))}))
op = operator_check({json.dumps(json.dumps(bad, sort_keys=True))})
lines = check_file(__import__("pathlib").Path({str(V35B)!r}))
assert good.ok and not bad.ok and op.error and lines[0].ok, (good, bad, op, lines)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_the_engine_is_what_the_check_would_load(tmp_path: Path) -> None:
    """The import check above can fail: building the strategy does load the engine."""
    script = f"""
import json, sys
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.registry import build_strategy
build_strategy(TradingStrategySpec.model_validate(json.loads({json.dumps(json.dumps(_spec()))})))
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    # The engine needs numpy and pandas; the calendar library now loads on first use.
    assert {"numpy", "pandas"} <= set(json.loads(done.stdout))
