"""ServiceAccount, Role and RoleBinding `<name>-runner`: a runner reaches only its own things.

The Role names every object it grants (`resourceNames`), so a compromised
secondary runner can neither read nor write the primary's state or resource.
"""

from __future__ import annotations

from stratops.core.resource import GROUP, PLURAL
from stratops.operator.children.common import (
    COMPONENT_RUNNER,
    JsonDict,
    Owner,
    child_metadata,
    runner_name,
    state_name,
)


def build_service_account(owner: Owner) -> JsonDict:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": child_metadata(owner, runner_name(owner.name), COMPONENT_RUNNER),
    }


def build_role(owner: Owner) -> JsonDict:
    """get/update/patch its state ConfigMap; get its resource; patch its status. Nothing else."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": child_metadata(owner, runner_name(owner.name), COMPONENT_RUNNER),
        "rules": [
            {
                "apiGroups": [""],
                "resources": ["configmaps"],
                "resourceNames": [state_name(owner.name)],
                "verbs": ["get", "update", "patch"],
            },
            {
                "apiGroups": [GROUP],
                "resources": [PLURAL],
                "resourceNames": [owner.name],
                "verbs": ["get"],
            },
            {
                "apiGroups": [GROUP],
                "resources": [f"{PLURAL}/status"],
                "resourceNames": [owner.name],
                "verbs": ["patch"],
            },
        ],
    }


def build_role_binding(owner: Owner) -> JsonDict:
    name = runner_name(owner.name)
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": child_metadata(owner, name, COMPONENT_RUNNER),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": owner.namespace}],
    }
