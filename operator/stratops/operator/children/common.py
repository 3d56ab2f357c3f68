"""Names, labels, owner references and the restricted security context shared by children."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stratops.core.contract import (
    COMPONENT_MARKET_DATA,
    COMPONENT_RUNNER,
    COMPONENT_STATE,
    LABEL_COMPONENT,
    LABEL_MANAGED_BY,
    LABEL_STRATEGY,
    LABEL_STRATEGY_ID,
    MANAGED_BY,
    runner_name,
)
from stratops.core.contract import state_configmap_name as state_name
from stratops.core.resource import API_VERSION, KIND

JsonDict = dict[str, Any]
__all__ = [
    "COMPONENT_MARKET_DATA",
    "COMPONENT_RUNNER",
    "COMPONENT_STATE",
    "LABEL_COMPONENT",
    "LABEL_MANAGED_BY",
    "LABEL_STRATEGY",
    "LABEL_STRATEGY_ID",
    "MANAGED_BY",
    "runner_name",
    "state_name",
]

DATA_MOUNT = "/data"
TMP_MOUNT = "/tmp"
RUNNER_UID = 10001


@dataclass(frozen=True)
class Owner:
    """The TradingStrategy a child belongs to: enough to name it and to reference it."""

    name: str
    namespace: str
    uid: str
    strategy_id: str

    def reference(self) -> JsonDict:
        """A controller owner reference: garbage collection deletes the child with its owner.

        `blockOwnerDeletion` stays off: it would need `update` on the owner's
        finalizers, a permission the operator does not otherwise need.
        """
        return {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "name": self.name,
            "uid": self.uid,
            "controller": True,
        }


def child_labels(owner: Owner, component: str) -> dict[str, str]:
    """Labels on every child: who manages it, which strategy, which part."""
    return {
        "app.kubernetes.io/name": "stratops",
        LABEL_MANAGED_BY: MANAGED_BY,
        LABEL_COMPONENT: component,
        LABEL_STRATEGY: owner.name,
        LABEL_STRATEGY_ID: owner.strategy_id,
    }


def child_metadata(owner: Owner, name: str, component: str, owned: bool = True) -> JsonDict:
    meta: JsonDict = {
        "name": name,
        "namespace": owner.namespace,
        "labels": child_labels(owner, component),
    }
    if owned:
        meta["ownerReferences"] = [owner.reference()]
    return meta


def pod_security_context() -> JsonDict:
    """Pod level of the `restricted` Pod Security Standard."""
    return {
        "runAsNonRoot": True,
        "runAsUser": RUNNER_UID,
        "runAsGroup": RUNNER_UID,
        "fsGroup": RUNNER_UID,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security_context() -> JsonDict:
    """Container level of the `restricted` standard, plus a read-only root filesystem."""
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def tmp_volume() -> tuple[JsonDict, JsonDict]:
    """An emptyDir at /tmp: the only writable path besides mounted volumes."""
    return (
        {"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}},
        {"name": "tmp", "mountPath": TMP_MOUNT},
    )


def data_volume(claim: str, read_only: bool) -> tuple[JsonDict, JsonDict]:
    """The shared market-data cache; runners only read it."""
    volume: JsonDict = {"name": "market-data", "persistentVolumeClaim": {"claimName": claim}}
    if read_only:
        volume["persistentVolumeClaim"]["readOnly"] = True
    mount: JsonDict = {"name": "market-data", "mountPath": DATA_MOUNT, "readOnly": read_only}
    return volume, mount
