"""Applying the example strategies: every child, its properties, and their life cycle."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import Engine

from ..controlplane import Kubectl, wait_for
from ..kubeclient import KubeClient
from ..operators import OperatorProcess
from .support import (
    CHILD_PATHS,
    SHARED_PATHS,
    TS,
    apply,
    children,
    condition,
    configs,
    manifest,
    wait_children,
    wait_status,
)

pytestmark = pytest.mark.cluster


def test_examples_get_all_children_within_five_seconds(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    apply(kubectl, namespace, manifest("v3-5b"), manifest("v3-5d"))
    b = wait_children(kube, namespace, "v3-5b", timeout=5)
    d = wait_children(kube, namespace, "v3-5d", timeout=5)

    cron_b, cron_d = b["cronjob"]["spec"], d["cronjob"]["spec"]
    assert (cron_b["schedule"], cron_b["timeZone"]) == ("45 9 * * 1-5", "America/New_York")
    assert cron_d["schedule"] == "50 9 * * 1-5", "the secondary runs after the primary"
    assert cron_b["concurrencyPolicy"] == "Forbid"
    assert cron_b["suspend"] is False
    pod_b = cron_b["jobTemplate"]["spec"]["template"]["spec"]
    pod_d = cron_d["jobTemplate"]["spec"]["template"]["spec"]
    assert (pod_b["priorityClassName"], pod_d["priorityClassName"]) == (
        "stratops-primary",
        "stratops-secondary",
    )
    assert pod_b["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True
    state = json.loads(b["state"]["data"]["state.json"])
    assert (state["strategy_id"], state["cash"]) == ("v3_5b", 10000)
    assert "ownerReferences" not in b["state"]["metadata"], "Retain: the state outlives the CR"
    for kind in ("cronjob", "serviceaccount", "role", "rolebinding"):
        (ref,) = b[kind]["metadata"]["ownerReferences"]
        assert (ref["kind"], ref["name"]) == ("TradingStrategy", "v3-5b")

    def shared_objects() -> dict[str, dict] | None:  # type: ignore[type-arg]
        found = {k: kube.get_or_none(p.format(ns=namespace)) for k, p in SHARED_PATHS.items()}
        fetch = found["fetch"]
        complete = fetch and len(fetch["metadata"]["ownerReferences"]) == 2 and found["pvc"]
        return found if complete else None  # type: ignore[return-value]

    shared = wait_for(shared_objects, 5, "market-data PVC and CronJob owned by both strategies")
    owners = sorted(r["name"] for r in shared["fetch"]["metadata"]["ownerReferences"])
    assert owners == ["v3-5b", "v3-5d"]
    fetch = shared["fetch"]["spec"]
    assert fetch["schedule"] == "35 9 * * 1-5"
    command = fetch["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"]
    symbols = command[command.index("--symbols") + 1].split(",")
    assert {"QQQ", "TQQQ", "TLT", "TMF", "TMV"} <= set(symbols)

    wait_status(kube, namespace, "v3-5b", phase="Active", effectivePrimary=True)
    wait_status(kube, namespace, "v3-5d", phase="Active", effectivePrimary=False)
    table = kubectl("get", "tstrat", namespace=namespace, check=True).stdout.splitlines()
    assert table[0].split()[:8] == [
        "NAME", "STRATEGY", "ID", "CLASS", "PRIMARY", "ACTIVE", "PHASE", "EQUITY",
    ]  # fmt: skip
    rows = {line.split()[0]: line.split()[1:6] for line in table[1:]}
    assert rows["v3-5b"] == ["v3_5b", "Hierarchical_Adaptive_v3_5b", "true", "true", "Active"]
    assert rows["v3-5d"] == ["v3_5d", "Hierarchical_Adaptive_v3_5d", "false", "true", "Active"]


def test_inactive_suspends_and_active_resumes(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    apply(kubectl, namespace, manifest("v3-5b"))
    wait_children(kube, namespace, "v3-5b")
    path = CHILD_PATHS["cronjob"].format(ns=namespace, name="v3-5b")

    apply(kubectl, namespace, manifest("v3-5b", active=False))
    obj = wait_status(kube, namespace, "v3-5b", phase="Suspended")
    assert condition(obj, "Ready")["reason"] == "Suspended"
    assert kube.get(path)["spec"]["suspend"] is True

    apply(kubectl, namespace, manifest("v3-5b", active=True))
    wait_status(kube, namespace, "v3-5b", phase="Active")
    assert kube.get(path)["spec"]["suspend"] is False


def test_state_is_never_overwritten(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    """The runner owns the state once it exists: spec changes and restarts leave it alone."""
    apply(kubectl, namespace, manifest("v3-5b"))
    wait_children(kube, namespace, "v3-5b")
    state_path = CHILD_PATHS["state"].format(ns=namespace, name="v3-5b")
    traded = {"data": {"state.json": '{"schema_version": 1, "cash": 1.5}'}}
    kube.merge_patch(state_path, traded)
    apply(kubectl, namespace, manifest("v3-5b", initialCapital=20000))
    wait_status(kube, namespace, "v3-5b", phase="Active")
    operator.stop()
    operator.start()
    apply(kubectl, namespace, manifest("v3-5b", initialCapital=30000))
    wait_status(kube, namespace, "v3-5b", phase="Active")
    assert kube.get(state_path)["data"] == traded["data"]


def test_delete_removes_children_but_keeps_state_and_history(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str, engine: Engine
) -> None:
    apply(kubectl, namespace, manifest("v3-5b"), manifest("v3-5d", stateRetention="Delete"))
    wait_children(kube, namespace, "v3-5b")
    wait_children(kube, namespace, "v3-5d")
    wait_status(kube, namespace, "v3-5d", phase="Active")
    assert set(configs(engine)) == {"v3_5b", "v3_5d"}

    for name in ("v3-5b", "v3-5d"):
        kube.delete(f"{TS.format(ns=namespace)}/{name}")

    def gone(name: str, kinds: tuple[str, ...]) -> bool:
        found = children(kube, namespace, name)
        return all(found[k] is None for k in kinds)

    # The garbage collector picks up a new CRD as an owner type on its discovery
    # resync (every 30 s), so on a fresh control plane the first collection can wait.
    runner_kinds = ("cronjob", "serviceaccount", "role", "rolebinding")
    wait_for(lambda: gone("v3-5b", runner_kinds), 90, "garbage collection of v3-5b's children")
    wait_for(lambda: gone("v3-5d", (*runner_kinds, "state")), 30, "v3-5d's children and state")
    assert children(kube, namespace, "v3-5b")["state"] is not None, "Retain keeps the state"
    shared = [p.format(ns=namespace) for p in SHARED_PATHS.values()]
    wait_for(
        lambda: all(kube.get_or_none(p) is None for p in shared),
        30,
        "the shared market-data objects go with the last strategy",
    )
    rows = configs(engine)
    assert set(rows) == {"v3_5b", "v3_5d"}, "database history is never deleted"
    assert not rows["v3_5b"].is_active


def test_liveness_endpoint(operator: OperatorProcess) -> None:
    url = f"http://127.0.0.1:{operator.liveness_port}/healthz"

    def healthy() -> bool:
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(healthy, 20, f"{url} answers 200")
