"""The shared Kubernetes client against the real API server: credentials that change under a
running process are picked up on a 401, and a refusal is one clear line."""

from __future__ import annotations

import asyncio
import json
from functools import partial
from pathlib import Path

import pytest
import yaml

from stratops.core.kube import AsyncKubeClient, KubeClient, KubeError
from stratops.core.kube.config import from_kubeconfig

from .controlplane import ControlPlane

pytestmark = pytest.mark.cluster
NAMESPACES = "/api/v1/namespaces"


def kubeconfig_with_token(plane: ControlPlane, path: Path, token: str) -> Path:
    """The test plane's admin kubeconfig, with another bearer token."""
    doc = yaml.safe_load(plane.kubeconfig.read_text())
    doc["users"][0]["user"] = {"token": token}
    path.write_text(json.dumps(doc))
    return path


def test_a_401_reloads_the_configuration_and_retries(
    control_plane: ControlPlane, tmp_path: Path
) -> None:
    path = kubeconfig_with_token(control_plane, tmp_path / "kubeconfig", "revoked-token")
    with KubeClient(partial(from_kubeconfig, path), "stratops-tests") as client:
        with pytest.raises(KubeError) as refused:
            client.get(NAMESPACES)
        assert refused.value.status == 401
        assert "\n" not in str(refused.value)
        kubeconfig_with_token(control_plane, path, control_plane.endpoint.token)
        found = client.get(NAMESPACES)  # same client: the 401 made it load the file again
    assert any(ns["metadata"]["name"] == "default" for ns in found["items"])


def test_the_async_client_follows_rotated_credentials_too(
    control_plane: ControlPlane, tmp_path: Path
) -> None:
    path = kubeconfig_with_token(control_plane, tmp_path / "kubeconfig", "revoked-token")

    async def calls() -> tuple[int, str | None]:
        client = AsyncKubeClient("stratops-tests", partial(from_kubeconfig, path))
        status = 0
        try:
            try:
                await client.request("GET", NAMESPACES)
            except KubeError as err:
                status = err.status
            kubeconfig_with_token(control_plane, path, control_plane.endpoint.token)
            found = await client.get_or_none(f"{NAMESPACES}/default")
            return status, (found or {}).get("metadata", {}).get("name")
        finally:
            await client.close()

    assert asyncio.run(calls()) == (401, "default")
