"""The CRD in crds/ is generated from the model and must never drift from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from stratops.core.crd import build_crd, render_crd
from stratops.core.resource import Execution, TradingStrategySpec
from stratops.core.status import Condition, LastRun, TradingStrategyStatus, last_run_condition

ROOT = Path(__file__).resolve().parents[2]
CRD_FILE = ROOT / "crds" / "tradingstrategies.yaml"


def _spec_schema(crd: dict[str, Any]) -> dict[str, Any]:
    root = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    schema: dict[str, Any] = root["properties"]["spec"]
    return schema


def test_committed_crd_equals_the_generated_one() -> None:
    assert CRD_FILE.read_text() == render_crd(), (
        "crds/ is stale: run `python -m stratops.core.crd > crds/tradingstrategies.yaml`"
    )


def test_every_model_field_is_in_the_schema_with_its_default() -> None:
    spec = _spec_schema(build_crd())
    for model, schema in (
        (TradingStrategySpec, spec),
        (Execution, spec["properties"]["execution"]),
    ):
        names = {info.alias or name for name, info in model.model_fields.items()}
        assert names == set(schema["properties"])
        defaults = model.model_validate(
            {"strategyId": "x", "strategyClass": "C"} if model is TradingStrategySpec else {}
        ).model_dump(by_alias=True)
        for name, prop in schema["properties"].items():
            if "default" in prop and prop["default"] != {}:
                assert defaults[name] == prop["default"], name


def test_every_field_has_a_description_for_kubectl_explain() -> None:
    def walk(schema: dict[str, Any], path: str) -> list[str]:
        missing = [] if "description" in schema else [path]
        for name, child in schema.get("properties", {}).items():
            missing += walk(child, f"{path}.{name}")
        return missing

    assert walk(_spec_schema(build_crd()), "spec") == []


def test_schema_carries_the_rules_the_design_names() -> None:
    crd = build_crd()
    props = _spec_schema(crd)["properties"]
    assert props["mode"]["enum"] == ["paper"]
    assert props["strategyId"]["pattern"] == "^[a-z0-9_]{1,50}$"
    assert props["strategyId"]["x-kubernetes-validations"][0]["rule"] == "self == oldSelf"
    assert props["initialCapital"]["exclusiveMinimum"] is True
    assert _spec_schema(crd)["required"] == ["strategyId", "strategyClass"]
    version = crd["spec"]["versions"][0]
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
        "Age",
    ]
    assert crd["spec"]["names"]["shortNames"] == ["tstrat"]


def test_crd_file_is_plain_yaml_a_cluster_accepts() -> None:
    doc = yaml.safe_load(CRD_FILE.read_text())
    assert doc["kind"] == "CustomResourceDefinition"
    assert doc["metadata"]["name"] == "tradingstrategies.trading.stratops.dev"


def _status_schema(crd: dict[str, Any]) -> dict[str, Any]:
    root = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    schema: dict[str, Any] = root["properties"]["status"]
    return schema


def test_every_status_model_field_is_in_the_status_schema() -> None:
    status = _status_schema(build_crd())
    props = status["properties"]
    for model, schema in (
        (TradingStrategyStatus, status),
        (LastRun, props["lastRun"]),
        (Condition, props["conditions"]["items"]),
    ):
        names = {info.alias or name for name, info in model.model_fields.items()}
        assert names == set(schema["properties"]), model.__name__
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
