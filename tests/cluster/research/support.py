"""Helpers of the research tests: manifests, the shared volume, status and rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from stratops.core.db import ConfigBacktest, SweepResult, UnitOfWork, create_engine_for

from ..controlplane import Kubectl
from ..kubeclient import JsonObject, KubeClient

REPO = Path(__file__).resolve().parents[3]
GROUP = "/apis/trading.stratops.dev/v1alpha1/namespaces/{ns}"
TS = GROUP + "/tradingstrategies"
SWEEPS = GROUP + "/strategysweeps"
JOBS = "/apis/batch/v1/namespaces/{ns}/jobs"
PODS = "/api/v1/namespaces/{ns}/pods"
FAR_SCHEDULE = "0 0 1 1 *"


def strategy(name: str = "v3-5b", **parameters: Any) -> JsonObject:
    doc: JsonObject = yaml.safe_load((REPO / "manifests/strategies/v3-5b.yaml").read_text())
    doc["metadata"]["name"] = name
    doc["spec"]["schedule"] = FAR_SCHEDULE
    doc["spec"]["parameters"].update(parameters)
    return doc


def sweep(name: str = "grid", **spec: Any) -> JsonObject:
    """The example 200-set grid over synthetic 2016-2019 data, fields overridden."""
    doc: JsonObject = yaml.safe_load((REPO / "manifests/sweeps/v3-5b-sma-grid.yaml").read_text())
    doc["metadata"]["name"] = name
    doc["spec"]["period"] = {
        "start": "2017-01-03",
        "end": "2019-12-31",
        "outOfSampleStart": "2019-01-02",
    }
    doc["spec"].update(spec)
    return doc


def apply(kubectl: Kubectl, namespace: str, doc: JsonObject) -> None:
    kubectl("apply", "-f", "-", input=yaml.safe_dump(doc), namespace=namespace, check=True)


def condition(obj: JsonObject, type_: str) -> JsonObject:
    conditions = (obj.get("status") or {}).get("conditions") or []
    return next((c for c in conditions if c["type"] == type_), {})


def jobs(kube: KubeClient, namespace: str, component: str) -> list[JsonObject]:
    items = kube.get(JOBS.format(ns=namespace))["items"]
    return [
        j for j in items
        if j["metadata"].get("labels", {}).get("app.kubernetes.io/component") == component
    ]  # fmt: skip


def sweep_rows(url: str) -> int:
    engine = create_engine_for(url)
    try:
        with UnitOfWork(engine) as session:
            return int(session.scalar(select(func.count()).select_from(SweepResult)) or 0)
    finally:
        engine.dispose()


def config_backtests(url: str) -> list[tuple[str, str]]:
    engine = create_engine_for(url)
    try:
        with UnitOfWork(engine) as session:
            rows = session.scalars(select(ConfigBacktest).order_by(ConfigBacktest.id)).all()
            return [(r.strategy_id, r.config_hash) for r in rows]
    finally:
        engine.dispose()
