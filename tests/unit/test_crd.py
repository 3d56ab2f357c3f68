"""The CRDs in crds/ are generated from the models by the one generator and must never
drift from them. Each kind's own rules are checked below the shared checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from stratops.core.crd import TRADING_STRATEGY, CrdKind, build_crd, crd_object, render
from stratops.core.research.crd import STRATEGY_SWEEP
from stratops.core.research.spec import StrategySweepSpec, SweepPeriod
from stratops.core.resource import Execution, TradingStrategySpec
from stratops.core.status import Condition, LastRun, TradingStrategyStatus, last_run_condition

ROOT = Path(__file__).resolve().parents[2]
CRD_FILES = {
    TRADING_STRATEGY.kind: ROOT / "crds" / "tradingstrategies.yaml",
    STRATEGY_SWEEP.kind: ROOT / "crds" / "strategysweeps.yaml",
}
KINDS = pytest.mark.parametrize("kind", [TRADING_STRATEGY, STRATEGY_SWEEP], ids=lambda k: k.kind)


def _version(crd: dict[str, Any]) -> dict[str, Any]:
    version: dict[str, Any] = crd["spec"]["versions"][0]
    return version


def _root(crd: dict[str, Any]) -> dict[str, Any]:
    root: dict[str, Any] = _version(crd)["schema"]["openAPIV3Schema"]
    return root


def _spec_schema(crd: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = _root(crd)["properties"]["spec"]
    return schema


def _status_schema(crd: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = _root(crd)["properties"]["status"]
    return schema


def _field_names(model: type[BaseModel]) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items()}


def _undescribed(schema: dict[str, Any], path: str) -> list[str]:
    missing = [] if "description" in schema else [path]
    for name, child in schema.get("properties", {}).items():
        missing += _undescribed(child, f"{path}.{name}")
    return missing


# ------------------------------------------------------------------ every kind


@KINDS
def test_committed_crd_equals_the_generated_one(kind: CrdKind) -> None:
    path = CRD_FILES[kind.kind]
    assert path.read_text() == render(kind), (
        f"crds/ is stale: run `python -m {kind.module} > crds/{path.name}`"
    )


@KINDS
def test_crd_file_is_plain_yaml_a_cluster_accepts(kind: CrdKind) -> None:
    doc = yaml.safe_load(CRD_FILES[kind.kind].read_text())
    assert doc["kind"] == "CustomResourceDefinition"
    assert doc["metadata"]["name"] == f"{kind.plural}.trading.stratops.dev"
    assert doc["spec"]["names"]["kind"] == kind.kind


@KINDS
def test_every_spec_field_has_a_description_for_kubectl_explain(kind: CrdKind) -> None:
    assert _undescribed(_spec_schema(crd_object(kind)), "spec") == []


@KINDS
def test_status_subresource_and_printer_columns_from_the_kind(kind: CrdKind) -> None:
    version = _version(crd_object(kind))
    assert version["subresources"] == {"status": {}}
    columns = [(c["name"], c["type"], c["jsonPath"]) for c in version["additionalPrinterColumns"]]
    assert columns == list(kind.columns)


@pytest.mark.parametrize(
    ("kind", "path", "model"),
    [
        (TRADING_STRATEGY, (), TradingStrategySpec),
        (TRADING_STRATEGY, ("execution",), Execution),
        (STRATEGY_SWEEP, (), StrategySweepSpec),
        (STRATEGY_SWEEP, ("period",), SweepPeriod),
    ],
    ids=lambda v: v.kind if isinstance(v, CrdKind) else None,
)
def test_every_spec_model_field_is_in_the_schema(
    kind: CrdKind, path: tuple[str, ...], model: type[BaseModel]
) -> None:
    schema = _spec_schema(crd_object(kind))
    for name in path:
        schema = schema["properties"][name]
    assert _field_names(model) == set(schema["properties"])


# ------------------------------------------------------------------ TradingStrategy


def test_every_model_field_has_its_default_in_the_schema() -> None:
    spec = _spec_schema(build_crd())
    for model, schema in (
        (TradingStrategySpec, spec),
        (Execution, spec["properties"]["execution"]),
    ):
        defaults = model.model_validate(
            {"strategyId": "x", "strategyClass": "C"} if model is TradingStrategySpec else {}
        ).model_dump(by_alias=True)
        for name, prop in schema["properties"].items():
            if "default" in prop and prop["default"] != {}:
                assert defaults[name] == prop["default"], name


def test_schema_carries_the_rules_the_design_names() -> None:
    crd = build_crd()
    props = _spec_schema(crd)["properties"]
    assert props["mode"]["enum"] == ["paper"]
    assert props["strategyId"]["pattern"] == "^[a-z0-9_]{1,50}$"
    assert props["strategyId"]["x-kubernetes-validations"][0]["rule"] == "self == oldSelf"
    assert props["initialCapital"]["exclusiveMinimum"] is True
    assert _spec_schema(crd)["required"] == ["strategyId", "strategyClass"]
    version = _version(crd)
    assert version["subresources"] == {"status": {}}
    columns = [c["name"] for c in version["additionalPrinterColumns"]]
    assert columns == [
        "Strategy ID",
        "Class",
        "Primary",
        "Active",
        "Phase",
        "Equity",
        "Last Run",
        "Backtest Sharpe",
        "Age",
    ]
    assert crd["spec"]["names"]["shortNames"] == ["tstrat"]
    rules = [v["rule"] for v in _root(crd)["x-kubernetes-validations"]]
    assert rules == ["self.metadata.name.size() <= 45"]


def test_crd_names_the_trading_strategy() -> None:
    doc = yaml.safe_load(CRD_FILES[TRADING_STRATEGY.kind].read_text())
    assert doc["metadata"]["name"] == "tradingstrategies.trading.stratops.dev"


def test_every_status_model_field_is_in_the_status_schema() -> None:
    status = _status_schema(build_crd())
    props = status["properties"]
    for model, schema in (
        (TradingStrategyStatus, status),
        (LastRun, props["lastRun"]),
        (Condition, props["conditions"]["items"]),
    ):
        assert _field_names(model) == set(schema["properties"]), model.__name__
    assert props["conditions"]["x-kubernetes-list-map-keys"] == ["type"]
    assert props["conditions"]["items"]["required"] == ["type", "status"]
    assert props["phase"]["enum"] == ["Pending", "Active", "Suspended", "Error"]


def test_what_the_writers_build_validates_against_the_status_model() -> None:
    """A condition from the shared builder is a valid Condition, and a status that the
    model rejects (an unknown field) is what the CRD's schema would prune."""
    cond = last_run_condition(False, "JobFailed", "job x failed", [], 3, "2026-01-02T00:00:00Z")
    status = TradingStrategyStatus.model_validate({"conditions": [cond], "equity": 1.0})
    assert status.conditions is not None
    assert status.conditions[0].observed_generation == 3
    assert "unknownField" not in _status_schema(build_crd())["properties"]


# ------------------------------------------------------------------ StrategySweep


def test_sweep_schema_carries_its_rules() -> None:
    crd = crd_object(STRATEGY_SWEEP)
    spec = _spec_schema(crd)
    assert spec["required"] == ["baseStrategy", "period"]
    assert spec["properties"]["sets"]["type"] == "array"
    assert spec["properties"]["parallelism"]["minimum"] == 1
    assert spec["properties"]["rankBy"]["enum"][0] == "sharpe"
    assert "x-kubernetes-validations" not in _root(crd)


def test_sweep_status_subresource_and_printer_columns() -> None:
    version = _version(crd_object(STRATEGY_SWEEP))
    assert version["subresources"] == {"status": {}}
    columns = {c["name"]: c["jsonPath"] for c in version["additionalPrinterColumns"]}
    assert columns["Done"] == ".status.done"
    assert columns["Total"] == ".status.total"
    assert columns["Best"] == ".status.best"
    status = version["schema"]["openAPIV3Schema"]["properties"]["status"]["properties"]
    assert {"done", "total", "failedIndexes", "top", "conditions", "job"} <= set(status)
