"""StrategySweep on the real control plane: one Indexed Job, rows in Postgres, status."""

from __future__ import annotations

import pytest

from ..controlplane import Kubectl, wait_for
from ..fake_kubelet import TestKubelet
from ..kubeclient import JsonObject, KubeClient
from ..operators import OperatorProcess
from .support import PODS, SWEEPS, apply, condition, jobs, strategy, sweep, sweep_rows

pytestmark = pytest.mark.cluster


def _sweep(kube: KubeClient, namespace: str, name: str) -> JsonObject:
    return kube.get(f"{SWEEPS.format(ns=namespace)}/{name}")


def _phase(kube: KubeClient, namespace: str, name: str, *phases: str) -> JsonObject | None:
    found = _sweep(kube, namespace, name)
    return found if (found.get("status") or {}).get("phase") in phases else None


def test_a_sweep_of_200_sets_completes_with_every_row_and_the_best_sets(
    operator: OperatorProcess,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    kubelet: TestKubelet,
    pg_url: str,
) -> None:
    apply(kubectl, namespace, strategy())
    apply(kubectl, namespace, sweep())
    (job,) = wait_for(lambda: jobs(kube, namespace, "sweep"), 30, "the sweep's Job")
    assert job["spec"]["completionMode"] == "Indexed"
    assert (job["spec"]["completions"], job["spec"]["parallelism"]) == (20, 4)
    done = wait_for(
        lambda: _phase(kube, namespace, "grid", "Succeeded", "Failed"),
        600,
        lambda: f"the sweep to finish: {_sweep(kube, namespace, 'grid').get('status')}",
        interval=2,
    )
    status = done["status"]
    assert status["phase"] == "Succeeded", status
    assert (status["done"], status["total"], status["failed"]) == (200, 200, 0)
    assert sweep_rows(pg_url) == 200
    top = status["top"]
    assert len(top) == 5
    scores = [t["score"] for t in top]
    assert scores == sorted(scores, reverse=True)
    assert status["best"] == scores[0]
    assert set(top[0]["parameters"]) == {"sma_fast", "sma_slow"}
    assert top[0]["outOfSample"]["start"] >= "2019-01-02"
    assert condition(done, "Ready")["status"] == "True"
    columns = kubectl("get", "tsweep", "grid", namespace=namespace, check=True).stdout
    assert "200" in columns
    assert "Succeeded" in columns


@pytest.mark.parametrize(
    ("spec", "reason", "words"),
    [
        ({"grid": {"sma_fastt": [30]}}, "InvalidSpec", "spec.grid.sma_fastt: not a parameter"),
        ({"grid": {"sma_fast": [30, 0]}}, "InvalidSpec", "spec.grid.sma_fast: 0: must be"),
        ({"grid": {}}, "InvalidSpec", "spec.grid: is empty"),
        (
            {"grid": {"sma_fast": list(range(1, 40)), "sma_slow": list(range(150, 170))}},
            "InvalidSpec",
            "spec.grid: 780 sets exceed the maximum of 500",
        ),
        ({"baseStrategy": "nope"}, "BaseStrategyNotFound", "spec.baseStrategy: no TradingStrategy"),
    ],
)
def test_bad_input_is_ready_false_naming_the_field_and_no_job(
    operator: OperatorProcess,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    spec: JsonObject,
    reason: str,
    words: str,
) -> None:
    apply(kubectl, namespace, strategy())
    apply(kubectl, namespace, sweep("bad", **spec))
    bad = wait_for(lambda: _phase(kube, namespace, "bad", "Error"), 30, "Ready=False")
    ready = condition(bad, "Ready")
    assert (ready["status"], ready["reason"]) == ("False", reason)
    assert words in ready["message"]
    assert jobs(kube, namespace, "sweep") == []


def test_deleting_a_sweep_stops_its_job(
    operator: OperatorProcess,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    kubelet: TestKubelet,
) -> None:
    apply(kubectl, namespace, strategy())
    apply(kubectl, namespace, sweep("stop", parallelism=1, setsPerPod=1))
    wait_for(lambda: _phase(kube, namespace, "stop", "Running"), 120, "the sweep to run")
    kubectl("delete", "tsweep", "stop", "--wait=true", namespace=namespace, check=True)
    wait_for(lambda: not jobs(kube, namespace, "sweep"), 60, "the Job to be deleted")
    selector = {"labelSelector": "stratops.dev/sweep=stop"}
    wait_for(
        lambda: not kube.get(PODS.format(ns=namespace), selector)["items"],
        60,
        "the sweep's pods to be gone",
    )


def test_a_changed_spec_replaces_the_job(
    operator: OperatorProcess,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
) -> None:
    """Without a kubelet nothing runs: only the Job objects are compared."""
    apply(kubectl, namespace, strategy())
    apply(kubectl, namespace, sweep("change", grid={"sma_fast": [30, 40]}, setsPerPod=1))
    found = wait_for(lambda: jobs(kube, namespace, "sweep"), 30, "the first Job")
    assert len(found) == 1, [j["metadata"] for j in found]
    first = found[0]
    apply(kubectl, namespace, sweep("change", grid={"sma_fast": [30, 40, 50]}, setsPerPod=1))

    def running() -> list[JsonObject]:
        return [j for j in jobs(kube, namespace, "sweep") if not j["spec"].get("suspend")]

    def replaced() -> list[JsonObject] | None:
        found = running()  # the new Job alone: the old one suspended, not both at once
        uids = [j["metadata"]["uid"] for j in found]
        return found if len(uids) == 1 and uids != [first["metadata"]["uid"]] else None

    (second,) = wait_for(replaced, 60, "the Job of the new inputs alone running")
    assert second["spec"]["completions"] == 3
    assert len(jobs(kube, namespace, "sweep")) == 2  # the first one suspended, not deleted
    operator.kill()
    operator.start()
    wait_for(
        lambda: _phase(kube, namespace, "change", "Pending", "Running"), 30, "status after restart"
    )
    assert [j["metadata"]["uid"] for j in running()] == [second["metadata"]["uid"]]
    assert len(jobs(kube, namespace, "sweep")) == 2  # a restart starts nothing new
