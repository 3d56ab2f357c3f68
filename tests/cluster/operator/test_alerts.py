"""A failed runner Job: Warning event and condition always; the webhook only for the primary.

The Jobs here carry the labels the runner CronJob gives its Jobs and run a
process that fails, on the test kubelet; the real runner's end-to-end test
covers the CronJob path itself.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import pytest

from ..controlplane import Kubectl, wait_for
from ..fake_kubelet import TestKubelet
from ..kubeclient import KubeClient, url_secret
from ..operators import OperatorProcess
from ..webhook import Receiver
from .support import TS, apply, condition, events, manifest, wait_status

pytestmark = pytest.mark.cluster


def failing_job(kube: KubeClient, namespace: str, strategy: str, name: str) -> None:
    labels = {
        "app.kubernetes.io/component": "runner",
        "app.kubernetes.io/managed-by": "stratops-operator",
        "stratops.dev/strategy": strategy,
    }
    container = {
        "name": "runner",
        "image": "stratops:test",
        "command": [sys.executable, "-c", "raise SystemExit(3)"],
    }
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "backoffLimit": 0,
            "template": {
                "metadata": {"labels": labels},
                "spec": {"restartPolicy": "Never", "containers": [container]},
            },
        },
    }
    kube.create(f"/apis/batch/v1/namespaces/{namespace}/jobs", job)


def last_run(kube: KubeClient, namespace: str, name: str) -> dict[str, Any]:
    return condition(kube.get(f"{TS.format(ns=namespace)}/{name}"), "LastRunSucceeded")


def test_primary_failure_alerts_once_secondary_never_posts(
    operator: OperatorProcess,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    test_kubelet: TestKubelet,
    receiver: Receiver,
) -> None:
    url_secret(kube, namespace, "stratops-alert-webhook", receiver.url)
    apply(kubectl, namespace, manifest("v3-5b"), manifest("v3-5d"))
    wait_status(kube, namespace, "v3-5b", effectivePrimary=True)
    wait_status(kube, namespace, "v3-5d", effectivePrimary=False)

    failing_job(kube, namespace, "v3-5b", "v3-5b-runner-manual-1")
    wait_for(lambda: receiver.bodies, 30, "a webhook POST for the primary's failed run")
    (alert,) = receiver.bodies
    assert (alert["strategy_id"], alert["job"]) == ("v3_5b", "v3-5b-runner-manual-1")
    cond = wait_for(lambda: last_run(kube, namespace, "v3-5b") or None, 10, "LastRunSucceeded")
    assert (cond["status"], cond["reason"]) == ("False", "JobFailed")
    assert any(t == "Warning" and r == "RunFailed" for t, r, _ in events(kube, namespace, "v3-5b"))

    failing_job(kube, namespace, "v3-5d", "v3-5d-runner-manual-1")
    wait_for(
        lambda: last_run(kube, namespace, "v3-5d").get("status") == "False",
        30,
        "LastRunSucceeded=False on the secondary",
    )
    wait_for(
        lambda: any(r == "RunFailed" for _, r, _ in events(kube, namespace, "v3-5d")),
        10,
        "a RunFailed event on the secondary",
    )

    operator.stop()
    operator.start()  # a resumed operator sees both failed Jobs again
    apply(kubectl, namespace, manifest("v3-5b", displayName="touched after restart"))
    wait_status(kube, namespace, "v3-5b", phase="Active")
    time.sleep(2)
    assert len(receiver.bodies) == 1, "one POST for the primary, none for the secondary"
    assert wait_status(kube, namespace, "v3-5b")["status"]["effectivePrimary"] is True
