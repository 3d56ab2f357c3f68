"""The cluster tier's API client: the product's own (`stratops.core.kube`), bound to the
test control plane's admin token or to another token (a ServiceAccount's, for RBAC tests)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx

from stratops.core.kube import JsonDict as JsonObject
from stratops.core.kube import KubeClient as SharedClient
from stratops.core.kube import KubeError
from stratops.core.kube.config import from_token

__all__ = ["ApiEndpoint", "JsonObject", "KubeClient", "KubeError", "url_secret"]
FIELD_MANAGER = "stratops-tests"


@dataclass(frozen=True)
class ApiEndpoint:
    """How to reach the API server as the admin user (token in group system:masters)."""

    server: str
    token: str
    ca_file: Path

    @property
    def host(self) -> str:
        return httpx.URL(self.server).host

    @property
    def port(self) -> int:
        return int(httpx.URL(self.server).port or 443)


class KubeClient(SharedClient):
    """The shared client as the admin (or `token`); raises KubeError so tests read like kubectl."""

    def __init__(
        self, endpoint: ApiEndpoint, token: str | None = None, timeout: float = 30.0
    ) -> None:
        self.endpoint = endpoint
        load = partial(from_token, endpoint.server, token or endpoint.token, endpoint.ca_file)
        super().__init__(load, FIELD_MANAGER, timeout)


def url_secret(kube: KubeClient, namespace: str, name: str, url: str) -> None:
    """A Secret `name` whose one key `url` holds `url`, as the manifests' pods expect
    (`stratops-db`, `stratops-alert-webhook`)."""
    body = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name},
        "data": {"url": base64.b64encode(url.encode()).decode()},
    }
    kube.create(f"/api/v1/namespaces/{namespace}/secrets", body)
