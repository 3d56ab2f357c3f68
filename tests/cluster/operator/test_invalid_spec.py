"""Spec errors only the operator can see: Error phase, a named field, no runnable CronJob."""

from __future__ import annotations

import pytest

from ..controlplane import Kubectl, wait_for
from ..kubeclient import KubeClient
from ..operators import OperatorProcess
from .support import CHILD_PATHS, apply, condition, events, manifest, wait_children, wait_status

pytestmark = pytest.mark.cluster


def test_unknown_class_creates_no_cronjob_and_fixing_recovers(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    apply(kubectl, namespace, manifest("v3-5d", strategyClass="Hierarchical_Adaptive_v9"))
    obj = wait_status(kube, namespace, "v3-5d", phase="Error")
    ready = condition(obj, "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "InvalidSpec")
    assert "spec.strategyClass" in ready["message"]
    assert "Hierarchical_Adaptive_v9" in ready["message"]
    cronjob = CHILD_PATHS["cronjob"].format(ns=namespace, name="v3-5d")
    assert kube.get_or_none(cronjob) is None, "nothing is scheduled for an unknown class"
    wait_for(
        lambda: any(
            r == "InvalidSpec" and t == "Warning" for t, r, _ in events(kube, namespace, "v3-5d")
        ),
        10,
        "a Warning event about the invalid spec",
    )

    apply(kubectl, namespace, manifest("v3-5d"))
    obj = wait_status(kube, namespace, "v3-5d", phase="Active")
    assert condition(obj, "Ready")["status"] == "True"
    assert wait_children(kube, namespace, "v3-5d")["cronjob"]["spec"]["suspend"] is False


def test_bad_parameter_suspends_the_existing_cronjob(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    apply(kubectl, namespace, manifest("v3-5b"))
    wait_status(kube, namespace, "v3-5b", phase="Active")
    cronjob = CHILD_PATHS["cronjob"].format(ns=namespace, name="v3-5b")
    created = kube.get(cronjob)["metadata"]["uid"]

    bad = manifest("v3-5b")
    bad["spec"]["parameters"]["sma_fast"] = 0
    apply(kubectl, namespace, bad)
    obj = wait_status(kube, namespace, "v3-5b", phase="Error")
    assert "spec.parameters.sma_fast" in condition(obj, "Ready")["message"]
    kept = kube.get(cronjob)
    assert kept["metadata"]["uid"] == created, "suspended, never deleted: job history stays"
    assert kept["spec"]["suspend"] is True

    apply(kubectl, namespace, manifest("v3-5b"))
    wait_status(kube, namespace, "v3-5b", phase="Active")
    assert kube.get(cronjob)["spec"]["suspend"] is False


def test_second_resource_with_the_same_strategy_id_is_refused(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    apply(kubectl, namespace, manifest("v3-5b"))
    wait_status(kube, namespace, "v3-5b", phase="Active")
    copy = manifest("v3-5b", primary=False)
    copy["metadata"]["name"] = "v3-5b-copy"
    apply(kubectl, namespace, copy)
    obj = wait_status(kube, namespace, "v3-5b-copy", phase="Error")
    assert "already used by" in condition(obj, "Ready")["message"]
    assert kube.get_or_none(CHILD_PATHS["cronjob"].format(ns=namespace, name="v3-5b-copy")) is None
    assert wait_status(kube, namespace, "v3-5b", phase="Active")
