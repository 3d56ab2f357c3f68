"""Each runner's ServiceAccount reaches its own state and status, and nothing else."""

from __future__ import annotations

import pytest

from ..controlplane import Kubectl
from ..kubeclient import KubeClient
from ..operators import OperatorProcess
from .support import apply, manifest, wait_children

pytestmark = pytest.mark.cluster

RESOURCE = "tradingstrategies.trading.stratops.dev"


def can(
    kubectl: Kubectl, namespace: str, account: str, verb: str, what: str, sub: str = ""
) -> bool:
    args = ["auth", "can-i", verb, what, f"--as=system:serviceaccount:{namespace}:{account}"]
    if sub:
        args.append(f"--subresource={sub}")
    result = kubectl(*args, namespace=namespace)
    assert result.stdout.strip() in ("yes", "no"), result.stderr
    return result.stdout.strip() == "yes"


def test_runner_reaches_only_its_own_objects(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    apply(kubectl, namespace, manifest("v3-5b"), manifest("v3-5d"))
    wait_children(kube, namespace, "v3-5b")
    wait_children(kube, namespace, "v3-5d")
    d = "v3-5d-runner"

    for verb in ("get", "update", "patch"):
        assert can(kubectl, namespace, d, verb, "configmap/v3-5d-state")
    assert can(kubectl, namespace, d, "get", f"{RESOURCE}/v3-5d")
    assert can(kubectl, namespace, d, "patch", f"{RESOURCE}/v3-5d", sub="status")

    for verb in ("get", "patch", "update", "delete"):
        assert not can(kubectl, namespace, d, verb, "configmap/v3-5b-state")
    assert not can(kubectl, namespace, d, "list", "configmaps")
    assert not can(kubectl, namespace, d, "list", "secrets")
    assert not can(kubectl, namespace, d, "get", "secret/stratops-db")
    assert not can(kubectl, namespace, d, "patch", f"{RESOURCE}/v3-5b")
    assert not can(kubectl, namespace, d, "patch", f"{RESOURCE}/v3-5b", sub="status")
    assert not can(kubectl, namespace, d, "patch", f"{RESOURCE}/v3-5d"), "spec is the user's"
    assert not can(kubectl, namespace, d, "delete", "configmap/v3-5d-state")
    assert not can(kubectl, namespace, d, "create", "configmaps")
