"""Every rendered object is accepted by a real API server (server-side dry run).

Each overlay is re-targeted at the test's namespace, exactly as a user's own
overlay with `namespace:` would do. The namespace enforces the `restricted`
Pod Security Standard, so a pod template that breaks it is reported by the
API server; the test fails on any such warning. The CRD goes first, then the
cluster-scoped objects, then everything namespaced.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..controlplane import Kubectl
from ..kubeclient import KubeClient
from .support import CLUSTER_SCOPED, OVERLAYS, dump, render_into

pytestmark = pytest.mark.cluster


def restrict(kube: KubeClient, namespace: str) -> None:
    labels = {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
    }
    kube.merge_patch(f"/api/v1/namespaces/{namespace}", {"metadata": {"labels": labels}})


def dry_run(kubectl: Kubectl, objects: list[dict[str, object]]) -> str:
    proc = kubectl(
        "apply", "--server-side", "--force-conflicts", "--field-manager=stratops-deploy-test",
        "--dry-run=server", "-f", "-", input=dump(objects),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "violate PodSecurity" not in proc.stderr, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("overlay", sorted(OVERLAYS))
def test_every_object_passes_a_server_side_dry_run(
    overlay: str, kubectl: Kubectl, kube: KubeClient, namespace: str, tmp_path: Path
) -> None:
    restrict(kube, namespace)
    objects = render_into(OVERLAYS[overlay], namespace, tmp_path / "wrap")
    crds = [o for o in objects if o["kind"] == "CustomResourceDefinition"]
    cluster = [o for o in objects if o["kind"] in CLUSTER_SCOPED and o not in crds]
    namespaced = [o for o in objects if o["kind"] not in CLUSTER_SCOPED]
    assert crds, "the CRD is part of every overlay"
    output = "".join(dry_run(kubectl, group) for group in (crds, cluster, namespaced))
    for obj in objects:
        assert f"/{obj['metadata']['name']} serverside-applied" in output, obj["kind"]
    assert all(o["metadata"]["namespace"] == namespace for o in namespaced)
