"""A broken image or a pod spec the `restricted` profile refuses fails with a clear message.

The node tier waits on rollouts; these tests prove such a wait names the object and
the reason instead of timing out blind, using two deliberately broken Deployments.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .nodectl import Kubectl, NodeTierError, wait_rollout


def deployment(name: str, container: dict[str, Any]) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 10001,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [
                        {"name": "main", "image": "stratops:testnode", "imagePullPolicy": "Never"}
                        | container
                    ],
                },
            },
        },
    }


RESTRICTED = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}


@pytest.mark.parametrize(
    ("name", "container", "reason"),
    [
        (
            "broken-entrypoint",
            {"command": ["/no/such/entrypoint"], "securityContext": RESTRICTED},
            "/no/such/entrypoint",
        ),
        (
            "refused-net-admin",
            {
                "command": ["sleep", "60"],
                "securityContext": RESTRICTED
                | {"capabilities": {"drop": ["ALL"], "add": ["NET_ADMIN"]}},
            },
            'violates PodSecurity "restricted',
        ),
    ],
)
def test_a_broken_deployment_fails_naming_it(
    deployed: Kubectl, name: str, container: dict[str, Any], reason: str
) -> None:
    deployed("apply", "-f", "-", input=json.dumps(deployment(name, container)))
    try:
        with pytest.raises(NodeTierError) as failure:
            wait_rollout(deployed, "Deployment", name, timeout=45)
        message = str(failure.value)
        assert f"Deployment stratops/{name} not ready" in message
        assert reason in message, message
    finally:
        deployed("delete", "deployment", name, "--ignore-not-found", "--wait=false")
