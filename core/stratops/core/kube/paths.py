"""REST paths of objects, by apiVersion and kind: lightkube's registry knows every built-in
kind's plural and ours is known here, so no hand-written table can miss a kind."""

from __future__ import annotations

from typing import Any

from lightkube.core.exceptions import LoadResourceError
from lightkube.core.resource_registry import resource_registry

from stratops.core.resource import API_VERSION, KIND, PLURAL


def plural(api_version: str, kind: str) -> str:
    """`batch/v1`, `CronJob` -> `cronjobs`; a kind nobody knows is a ValueError naming it."""
    if (api_version, kind) == (API_VERSION, KIND):
        return PLURAL
    try:
        resource: Any = resource_registry.load(api_version, kind)
    except (LoadResourceError, ModuleNotFoundError) as exc:
        raise ValueError(f"unknown Kubernetes kind {kind} in {api_version}") from exc
    if resource is None:
        raise ValueError(f"unknown Kubernetes kind {kind} in {api_version}")
    return str(resource._api_info.plural)


def object_path(api_version: str, kind: str, namespace: str, name: str | None = None) -> str:
    """REST path of a namespaced object (or of its collection when `name` is None)."""
    prefix = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    path = f"{prefix}/namespaces/{namespace}/{plural(api_version, kind)}"
    return f"{path}/{name}" if name else path


def path_of(obj: dict[str, Any]) -> str:
    meta = obj["metadata"]
    return object_path(obj["apiVersion"], obj["kind"], meta["namespace"], meta["name"])


def strategy_path(namespace: str, name: str) -> str:
    return object_path(API_VERSION, KIND, namespace, name)


def strategy_status_path(namespace: str, name: str) -> str:
    return f"{strategy_path(namespace, name)}/status"
