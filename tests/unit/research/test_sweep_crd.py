"""The StrategySweep CRD in crds/ is generated from the model and must never drift from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stratops.core.research.crd import build_crd, render_crd
from stratops.core.research.spec import StrategySweepSpec, SweepPeriod

ROOT = Path(__file__).resolve().parents[3]
CRD_FILE = ROOT / "crds" / "strategysweeps.yaml"


def _version(crd: dict[str, Any]) -> dict[str, Any]:
    version: dict[str, Any] = crd["spec"]["versions"][0]
    return version


def _spec_schema(crd: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = _version(crd)["schema"]["openAPIV3Schema"]["properties"]["spec"]
    return schema


def test_committed_crd_equals_the_generated_one() -> None:
    assert CRD_FILE.read_text() == render_crd(), (
        "crds/ is stale: run `python -m stratops.core.research.crd > crds/strategysweeps.yaml`"
    )


def test_every_model_field_is_in_the_schema() -> None:
    spec = _spec_schema(build_crd())
    for model, schema in (
        (StrategySweepSpec, spec),
        (SweepPeriod, spec["properties"]["period"]),
    ):
        names = {info.alias or name for name, info in model.model_fields.items()}
        assert names == set(schema["properties"])
    assert spec["required"] == ["baseStrategy", "period"]
    assert spec["properties"]["sets"]["type"] == "array"
    assert spec["properties"]["parallelism"]["minimum"] == 1
    assert spec["properties"]["rankBy"]["enum"][0] == "sharpe"


def test_every_spec_field_has_a_description_for_kubectl_explain() -> None:
    def walk(schema: dict[str, Any], path: str) -> list[str]:
        missing = [] if "description" in schema else [path]
        for name, child in schema.get("properties", {}).items():
            missing += walk(child, f"{path}.{name}")
        return missing

    assert walk(_spec_schema(build_crd()), "spec") == []


def test_status_subresource_and_printer_columns() -> None:
    version = _version(build_crd())
    assert version["subresources"] == {"status": {}}
    columns = {c["name"]: c["jsonPath"] for c in version["additionalPrinterColumns"]}
    assert columns["Done"] == ".status.done"
    assert columns["Total"] == ".status.total"
    assert columns["Best"] == ".status.best"
    status = version["schema"]["openAPIV3Schema"]["properties"]["status"]["properties"]
    assert {"done", "total", "failedIndexes", "top", "conditions", "job"} <= set(status)
