"""`ConfigMapStateStore`: a strategy's state in `<name>-state`, compare-and-swap on resourceVersion.

The version token is the ConfigMap's `metadata.resourceVersion`. A save is a
JSON merge patch that carries the expected resourceVersion: the API server
applies it only if the object is still at that version and answers 409
otherwise (the same precondition as a PUT), while labels, owner references
and other keys set by the operator stay untouched, and the runner's Role
needs no more than `patch` on that one object. With no expected version the
store creates the ConfigMap, and "already exists" is a conflict too.
"""

from __future__ import annotations

from stratops.core.contract import STATE_KEY, state_configmap_name
from stratops.core.kube import JsonDict, KubeClient, KubeError, object_path
from stratops.runner.stores import StateConflictError, StoredState

CONFLICT = 409
NOT_FOUND = 404


class ConfigMapStateStore:
    """The `state.json` key of the ConfigMap `<name>-state` in one namespace."""

    def __init__(self, client: KubeClient, namespace: str, name: str) -> None:
        self.client = client
        self.namespace = namespace
        self.configmap = state_configmap_name(name)
        self.path = object_path("v1", "ConfigMap", namespace, self.configmap)

    @property
    def location(self) -> str:
        return f"configmap/{self.namespace}/{self.configmap}"

    def load(self) -> StoredState:
        """The text under `state.json` (None when the key or the ConfigMap is absent)."""
        found = self.client.get_or_none(self.path)
        if found is None:
            return StoredState(None, None)
        text = (found.get("data") or {}).get(STATE_KEY)
        return StoredState(text, found["metadata"]["resourceVersion"])

    def save(self, text: str, expected_version: str | None) -> str:
        """Write if the ConfigMap is still at `expected_version`; returns the new version."""
        try:
            if expected_version is None:
                written = self._create(text)
            else:
                written = self._patch(text, expected_version)
        except KubeError as err:
            if err.status in (CONFLICT, NOT_FOUND):
                raise StateConflictError(f"{self.location} changed since it was read") from None
            raise
        return str(written["metadata"]["resourceVersion"])

    def _create(self, text: str) -> JsonDict:
        body = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": self.configmap, "namespace": self.namespace},
            "data": {STATE_KEY: text},
        }
        return self.client.create(object_path("v1", "ConfigMap", self.namespace), body)

    def _patch(self, text: str, expected_version: str) -> JsonDict:
        body = {"metadata": {"resourceVersion": expected_version}, "data": {STATE_KEY: text}}
        return self.client.merge_patch(self.path, body)
