"""The runner's ConfigMap state store and status sink against the real API server.

Compare-and-swap on resourceVersion, create-when-absent, and the runner's
own identity: a ServiceAccount token with the operator's Role for one
strategy reaches that strategy's state and status and nothing of another's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stratops.core.kube import KubeError as KubeApiError
from stratops.runner.kube import cluster_target
from stratops.runner.kube.sink import CustomResourceStatusSink
from stratops.runner.kube.store import ConfigMapStateStore
from stratops.runner.outcome import RunOutcome, failure
from stratops.runner.settings import RunnerSettings
from stratops.runner.stores import StateConflictError, StoredState

from ..kubeclient import KubeClient
from .support import (
    TS,
    create_strategy,
    example,
    grant_runner_rbac,
    runner_client,
    service_account_token,
    write_sa_dir,
)

pytestmark = pytest.mark.cluster
DAY = dt.date(2026, 11, 27)


def test_create_when_absent_then_compare_and_swap(kube: KubeClient, namespace: str) -> None:
    store = ConfigMapStateStore(runner_client(kube), namespace, "alpha")
    assert store.location == f"configmap/{namespace}/alpha-state"
    assert store.load() == StoredState(None, None)

    first = store.save('{"n": 1}', None)
    assert store.load() == StoredState('{"n": 1}', first)
    with pytest.raises(StateConflictError):
        store.save('{"n": 99}', None)  # someone created it first: AlreadyExists is a conflict

    second = store.save('{"n": 2}', first)
    assert second != first
    with pytest.raises(StateConflictError):
        store.save('{"n": 3}', first)  # stale resourceVersion
    assert store.load() == StoredState('{"n": 2}', second)


def test_a_save_keeps_what_the_operator_set(kube: KubeClient, namespace: str) -> None:
    labels = {"app.kubernetes.io/managed-by": "stratops-operator"}
    path = f"/api/v1/namespaces/{namespace}/configmaps"
    created = kube.create(
        path,
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": "beta-state", "labels": labels},
         "data": {"state.json": "{}", "note": "kept"}},
    )  # fmt: skip
    store = ConfigMapStateStore(runner_client(kube), namespace, "beta")
    version = store.save('{"n": 1}', created["metadata"]["resourceVersion"])
    after = kube.get(f"{path}/beta-state")
    assert after["metadata"]["resourceVersion"] == version
    assert after["metadata"]["labels"] == labels
    assert after["data"] == {"state.json": '{"n": 1}', "note": "kept"}


def test_runner_token_reaches_its_own_state_and_status_only(
    kube: KubeClient, namespace: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = create_strategy(kube, namespace, example("v3-5d"))
    other = create_strategy(kube, namespace, example("v3-5b"))
    account = grant_runner_rbac(kube, namespace, own)
    for name in ("v3-5d", "v3-5b"):
        kube.create(
            f"/api/v1/namespaces/{namespace}/configmaps",
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{name}-state"},
             "data": {"state.json": "{}"}},
        )  # fmt: skip
    token = service_account_token(kube, namespace, account)

    mine = ConfigMapStateStore(runner_client(kube, token), namespace, "v3-5d")
    loaded = mine.load()
    assert mine.load().text == "{}"
    mine.save('{"mine": true}', loaded.version)
    assert mine.load().text == '{"mine": true}'

    theirs = ConfigMapStateStore(runner_client(kube, token), namespace, "v3-5b")
    for attempt in (theirs.load, lambda: theirs.save("{}", "1")):
        with pytest.raises(KubeApiError) as caught:
            attempt()
        assert caught.value.status == 403
        assert "v3-5b-state" in str(caught.value)
        assert "forbidden" in str(caught.value)
        assert "\n" not in str(caught.value)
    assert kube.get(f"/api/v1/namespaces/{namespace}/configmaps/v3-5b-state")["data"] == {
        "state.json": "{}"
    }

    sink = CustomResourceStatusSink(runner_client(kube, token), namespace, "v3-5b", None)
    with pytest.raises(KubeApiError, match="403"):
        sink.report(failure("v3_5b", DAY, "error", "not mine"))
    assert "lastRun" not in (kube.get(f"{TS.format(ns=namespace)}/v3-5b").get("status") or {})
    del other

    sa_dir = write_sa_dir(tmp_path / "sa", kube, token, namespace)
    monkeypatch.setenv("STRATOPS_SA_DIR", str(sa_dir))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", kube.endpoint.host)
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(kube.endpoint.port))
    target = cluster_target("v3-5d", RunnerSettings())
    assert target.strategy_id == "v3_5d"
    assert target.generation == own["metadata"]["generation"]
    assert target.store.location == f"configmap/{namespace}/v3-5d-state"
    with pytest.raises(KubeApiError, match="403"):
        cluster_target("v3-5b", RunnerSettings())


def test_status_sink_coexists_with_the_operators_status(kube: KubeClient, namespace: str) -> None:
    created = create_strategy(kube, namespace, example("v3-5d"))
    status_path = f"{TS.format(ns=namespace)}/v3-5d/status"
    ready = {"type": "Ready", "status": "True", "reason": "Reconciled", "message": "ok",
             "lastTransitionTime": "2026-01-01T00:00:00Z"}  # fmt: skip
    kube.request(
        "PATCH",
        status_path,
        {"apiVersion": created["apiVersion"], "kind": created["kind"],
         "metadata": {"name": "v3-5d", "namespace": namespace},
         "status": {"phase": "Active", "conditions": [ready]}},
        params={"fieldManager": "stratops-operator", "force": "true"},
        content_type="application/apply-patch+yaml",
    )  # fmt: skip
    sink = CustomResourceStatusSink(runner_client(kube), namespace, "v3-5d", 1)
    won = RunOutcome("v3_5d", DAY, "traded", message="cell 2 (up/high); 1 fill(s)",
                     equity=10123.5, cell=2, trend="up", vol="high")  # fmt: skip
    sink.report(won)
    status = kube.get(f"{TS.format(ns=namespace)}/v3-5d")["status"]
    assert status["phase"] == "Active"
    assert status["equity"] == 10123.5
    assert status["lastRun"] == {
        "tradeDate": "2026-11-27", "result": "traded", "equity": 10123.5,
        "regime": "cell 2 (up/high)", "message": "cell 2 (up/high); 1 fill(s)",
    }  # fmt: skip
    by_type = {c["type"]: c for c in status["conditions"]}
    assert by_type["Ready"] == ready
    first = by_type["LastRunSucceeded"]
    assert (first["status"], first["reason"]) == ("True", "RunSucceeded")

    sink.report(won)
    again = {
        c["type"]: c for c in kube.get(f"{TS.format(ns=namespace)}/v3-5d")["status"]["conditions"]
    }
    assert again["LastRunSucceeded"]["lastTransitionTime"] == first["lastTransitionTime"]

    sink.report(failure("v3_5d", DAY, "stale_data", "QQQ: stale"))
    status = kube.get(f"{TS.format(ns=namespace)}/v3-5d")["status"]
    by_type = {c["type"]: c for c in status["conditions"]}
    assert (by_type["LastRunSucceeded"]["status"], by_type["LastRunSucceeded"]["reason"]) == (
        "False", "StaleData",
    )  # fmt: skip
    assert status["equity"] == 10123.5, "a failed run keeps the last known equity"
    assert status["lastRun"]["result"] == "failed"
    assert by_type["Ready"] == ready
    assert status["phase"] == "Active"
