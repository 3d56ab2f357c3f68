"""The operator SIGKILLed while reconciling 50 resources, then restarted: one set of children."""

from __future__ import annotations

import time

import pytest

from ..controlplane import Kubectl, wait_for
from ..kubeclient import KubeClient
from ..operators import OperatorProcess
from .support import TS, apply, manifest

pytestmark = pytest.mark.cluster

COUNT = 50
LISTS = {
    "cronjob": "/apis/batch/v1/namespaces/{ns}/cronjobs",
    "configmap": "/api/v1/namespaces/{ns}/configmaps",
    "serviceaccount": "/api/v1/namespaces/{ns}/serviceaccounts",
    "role": "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles",
    "rolebinding": "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
}
SUFFIX = {"configmap": "-state"}
SELECTOR = {"labelSelector": "app.kubernetes.io/managed-by=stratops-operator"}


def fleet() -> list[dict]:  # type: ignore[type-arg]
    docs = []
    for i in range(COUNT):
        doc = manifest("v3-5d", strategyId=f"s{i:02d}", primary=(i == 0))
        doc["metadata"]["name"] = f"s{i:02d}"
        docs.append(doc)
    return docs


def managed_names(kube: KubeClient, namespace: str, kind: str) -> list[str]:
    items = kube.get(LISTS[kind].format(ns=namespace), params=SELECTOR)["items"]
    return sorted(i["metadata"]["name"] for i in items)


def all_reconciled(kube: KubeClient, namespace: str) -> bool:
    items = kube.get(TS.format(ns=namespace))["items"]
    return len(items) == COUNT and all(
        (i.get("status") or {}).get("observedGeneration") == i["metadata"]["generation"]
        and (i.get("status") or {}).get("phase") == "Active"
        for i in items
    )


@pytest.mark.slow
def test_sigkill_mid_reconcile_then_restart(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    apply(kubectl, namespace, *fleet())
    # Killed at the first CronJob: a reconcile writes a resource's children side by
    # side, so a later kill could find the whole fleet done on an idle machine.
    wait_for(
        lambda: managed_names(kube, namespace, "cronjob"), 30, "reconciling started", interval=0.02
    )
    operator.kill()
    done_before_kill = len(managed_names(kube, namespace, "serviceaccount"))
    time.sleep(1)
    operator.start()
    wait_for(lambda: all_reconciled(kube, namespace), 90, "all 50 resources Active after restart")

    expected = [f"s{i:02d}" for i in range(COUNT)]
    for kind in LISTS:
        suffix = SUFFIX.get(kind, "-runner")
        names = managed_names(kube, namespace, kind)
        if kind == "cronjob":
            names.remove("stratops-market-data")
        assert names == [f"{n}{suffix}" for n in expected], f"{kind}: exactly one per resource"
    items = kube.get(TS.format(ns=namespace))["items"]
    primaries = [i["metadata"]["name"] for i in items if i["status"].get("effectivePrimary")]
    assert primaries == ["s00"]
    assert done_before_kill < COUNT, "the kill landed before the reconcile finished"
