"""Names, labels, owner references and the restricted security context shared by children."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stratops.core.resource import API_VERSION, KIND

JsonDict = dict[str, Any]

MANAGED_BY = "stratops-operator"
LABEL_STRATEGY = "stratops.dev/strategy"
LABEL_STRATEGY_ID = "stratops.dev/strategy-id"
LABEL_COMPONENT = "app.kubernetes.io/component"
COMPONENT_RUNNER = "runner"
COMPONENT_STATE = "state"
COMPONENT_MARKET_DATA = "market-data"

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


def runner_name(name: str) -> str:
    return f"{name}-runner"


def state_name(name: str) -> str:
    return f"{name}-state"


def child_labels(owner: Owner, component: str) -> dict[str, str]:
    """Labels on every child: who manages it, which strategy, which part."""
    return {
        "app.kubernetes.io/name": "stratops",
        "app.kubernetes.io/managed-by": MANAGED_BY,
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
