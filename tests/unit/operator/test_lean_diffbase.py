"""The operator's diff base gives kopf the same essence as kopf's own, copying less."""

from __future__ import annotations

from typing import Any, cast

import kopf

from stratops.operator.kopf_handlers import PREFIX, LeanDiffBase


def body() -> dict[str, Any]:
    return {
        "apiVersion": "trading.stratops.dev/v1alpha1",
        "kind": "TradingStrategy",
        "metadata": {
            "name": "v3-5b",
            "namespace": "prod",
            "uid": "u-1",
            "generation": 3,
            "resourceVersion": "991",
            "labels": {"team": "quant"},
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{...}",
                f"{PREFIX}/last-handled-configuration": "{...}",
                f"{PREFIX}/ensure": "{}",
                "stratops.dev/git-revision": "abc123",
            },
            "finalizers": [f"{PREFIX}/finalizer"],
            "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:spec": {"f:primary": {}}}}],
        },
        "spec": {"strategyId": "v3_5b", "parameters": {"sma_fast": 40}, "primary": True},
        "status": {"phase": "Active", "conditions": [{"type": "Ready", "status": "True"}]},
    }


def test_the_essence_equals_kopfs_own_and_ignores_status_and_system_metadata() -> None:
    ours = LeanDiffBase(prefix=PREFIX, key="last-handled-configuration")
    kopfs = kopf.AnnotationsDiffBaseStorage(prefix=PREFIX, key="last-handled-configuration")
    raw = body()
    essence = ours.build(body=kopf.Body(cast(kopf.RawBody, raw)))
    assert essence == kopfs.build(body=kopf.Body(cast(kopf.RawBody, raw)))
    assert essence["spec"]["parameters"] == {"sma_fast": 40}
    assert "status" not in essence
    assert "managedFields" not in essence.get("metadata", {})
    changed = body()
    changed["status"]["phase"] = "Error"
    changed["metadata"]["managedFields"].append({"manager": "other"})
    assert ours.build(body=kopf.Body(cast(kopf.RawBody, changed))) == essence
    changed["spec"]["parameters"]["sma_fast"] = 50
    assert ours.build(body=kopf.Body(cast(kopf.RawBody, changed))) != essence


def test_the_essence_is_a_copy_not_a_view_of_the_body() -> None:
    raw = body()
    essence = LeanDiffBase(prefix=PREFIX).build(body=kopf.Body(cast(kopf.RawBody, raw)))
    raw["spec"]["parameters"]["sma_fast"] = 99
    raw["metadata"]["labels"]["team"] = "ops"
    assert essence["spec"]["parameters"]["sma_fast"] == 40
    assert essence["metadata"]["labels"]["team"] == "quant"
