"""REST paths of the few objects a runner touches: its state ConfigMap and its resource."""

from __future__ import annotations

from stratops.core.resource import GROUP, PLURAL, VERSION

STATE_KEY = "state.json"


def state_configmap_name(name: str) -> str:
    """`<name>-state`, the name the operator gives the state ConfigMap."""
    return f"{name}-state"


def configmaps_path(namespace: str) -> str:
    return f"/api/v1/namespaces/{namespace}/configmaps"


def configmap_path(namespace: str, name: str) -> str:
    return f"{configmaps_path(namespace)}/{name}"


def strategy_path(namespace: str, name: str) -> str:
    return f"/apis/{GROUP}/{VERSION}/namespaces/{namespace}/{PLURAL}/{name}"


def strategy_status_path(namespace: str, name: str) -> str:
    return f"{strategy_path(namespace, name)}/status"
