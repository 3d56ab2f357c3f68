"""Small helpers for the operator's cluster tests: apply manifests, read children, wait."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, select

from stratops.core.db import PrimaryChange, StrategyConfig, UnitOfWork

from ..controlplane import Kubectl, wait_for
from ..kubeclient import JsonObject, KubeClient

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = {name: REPO / "manifests" / "strategies" / f"{name}.yaml" for name in ("v3-5b", "v3-5d")}
TS = "/apis/trading.stratops.dev/v1alpha1/namespaces/{ns}/tradingstrategies"
CHILD_PATHS = {
    "cronjob": "/apis/batch/v1/namespaces/{ns}/cronjobs/{name}-runner",
    "state": "/api/v1/namespaces/{ns}/configmaps/{name}-state",
    "serviceaccount": "/api/v1/namespaces/{ns}/serviceaccounts/{name}-runner",
    "role": "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles/{name}-runner",
    "rolebinding": "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings/{name}-runner",
}
SHARED_PATHS = {
    "pvc": "/api/v1/namespaces/{ns}/persistentvolumeclaims/stratops-market-data",
    "fetch": "/apis/batch/v1/namespaces/{ns}/cronjobs/stratops-market-data",
}


def manifest(name: str, **spec: Any) -> JsonObject:
    """An example manifest from manifests/strategies with spec fields overridden."""
    doc: JsonObject = yaml.safe_load(EXAMPLES[name].read_text())
    doc = copy.deepcopy(doc)
    doc["spec"].update(spec)
    return doc


def apply(kubectl: Kubectl, namespace: str, *docs: JsonObject) -> None:
    """`kubectl apply` of one or more documents in one request per document, as GitOps does."""
    text = yaml.safe_dump_all(docs)
    kubectl("apply", "-f", "-", input=text, namespace=namespace, check=True)


def strategy(kube: KubeClient, namespace: str, name: str) -> JsonObject:
    return kube.get(f"{TS.format(ns=namespace)}/{name}")


def children(kube: KubeClient, namespace: str, name: str) -> dict[str, JsonObject | None]:
    return {
        kind: kube.get_or_none(path.format(ns=namespace, name=name))
        for kind, path in CHILD_PATHS.items()
    }


def wait_children(
    kube: KubeClient, namespace: str, name: str, timeout: float = 5
) -> dict[str, JsonObject]:
    def all_there() -> dict[str, JsonObject] | None:
        found = children(kube, namespace, name)
        return {k: v for k, v in found.items() if v} if all(found.values()) else None

    return wait_for(all_there, timeout, f"children of {name} in {namespace}")


def condition(obj: JsonObject, type_: str) -> JsonObject:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond["type"] == type_:
            return cond  # type: ignore[no-any-return]
    return {}


def wait_status(
    kube: KubeClient, namespace: str, name: str, timeout: float = 10, **expected: Any
) -> JsonObject:
    """Wait until status fields (phase=..., effectivePrimary=...) have the given values
    and observedGeneration caught up with the spec."""

    def matches() -> JsonObject | None:
        obj = strategy(kube, namespace, name)
        status = obj.get("status") or {}
        caught_up = status.get("observedGeneration") == obj["metadata"]["generation"]
        ok = caught_up and all(status.get(k) == v for k, v in expected.items())
        return obj if ok else None

    def describe() -> str:
        return f"{name} status {expected}; got {strategy(kube, namespace, name).get('status')}"

    return wait_for(matches, timeout, describe)


def effective_primaries(kube: KubeClient, namespace: str) -> list[str]:
    items = kube.get(TS.format(ns=namespace))["items"]
    return sorted(
        i["metadata"]["name"] for i in items if (i.get("status") or {}).get("effectivePrimary")
    )


def events(kube: KubeClient, namespace: str, name: str) -> list[tuple[str, str, str]]:
    """(type, reason, message) of the events about one TradingStrategy."""
    items = kube.get(f"/api/v1/namespaces/{namespace}/events")["items"]
    return [
        (e["type"], e["reason"], e.get("message", ""))
        for e in items
        if e["involvedObject"].get("kind") == "TradingStrategy"
        and e["involvedObject"].get("name") == name
    ]


def primary_changes(engine: Engine, namespace: str) -> list[tuple[str | None, str]]:
    with UnitOfWork(engine) as session:
        rows = session.scalars(
            select(PrimaryChange)
            .where(PrimaryChange.namespace == namespace)
            .order_by(PrimaryChange.id)
        )
        return [(r.from_strategy_id, r.to_strategy_id) for r in rows]


def configs(engine: Engine) -> dict[str, StrategyConfig]:
    with UnitOfWork(engine) as session:
        return {c.strategy_id: c for c in session.scalars(select(StrategyConfig))}
