"""A small synchronous JSON client for the API server (httpx, bearer token, cluster CA).

A runner makes a handful of calls per run, so a blocking client with short
timeouts is enough; every failure becomes `KubeApiError`, a `UserError` whose
message is one line naming the call, the HTTP status and the server's reason,
so a refused call (403 from RBAC, 404 for a missing resource) reads clearly in
the run's outcome.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import httpx

from stratops.core.errors import UserError
from stratops.runner.kube.config import InClusterConfig

JsonDict = dict[str, Any]
MERGE_PATCH = "application/merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class KubeApiError(UserError):
    """A call the API server refused or could not be reached for; `status` 0 = no answer."""

    reason = "cluster_api"

    def __init__(self, method: str, path: str, status: int, detail: str) -> None:
        self.status = status
        where = f"{method} {path}"
        text = f"HTTP {status}: {detail}" if status else detail
        super().__init__(f"Kubernetes API {where}: {text}")


def server_message(response: httpx.Response) -> str:
    """The `message` of a Kubernetes Status body, else the start of the raw text, one line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("message"):
        text = str(body["message"])
    else:
        text = response.text or response.reason_phrase
    return " ".join(text.split())[:300]


class KubeClient:
    """JSON in, JSON out, against one API server with one identity."""

    def __init__(self, server: str, token: str, ca_file: Path | None = None) -> None:
        """`ca_file`: the cluster CA the server certificate must chain to (None: system CAs)."""
        verify = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        self._http = httpx.Client(
            base_url=server,
            verify=verify,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=TIMEOUT,
        )
        self.server = server

    @classmethod
    def in_cluster(cls, config: InClusterConfig) -> KubeClient:
        return cls(config.server, config.token, config.ca_file)

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        body: JsonDict | None = None,
        params: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> JsonDict:
        headers = {"Content-Type": content_type} if body is not None else None
        try:
            response = self._http.request(method, path, json=body, params=params, headers=headers)
        except httpx.HTTPError as exc:
            detail = f"cannot reach {self.server}: {type(exc).__name__}: {exc}"
            raise KubeApiError(method, path, 0, " ".join(detail.split())) from None
        if response.status_code >= 400:
            raise KubeApiError(method, path, response.status_code, server_message(response))
        return response.json() if response.content else {}

    def get_or_none(self, path: str) -> JsonDict | None:
        """The object, or None when it does not exist (404)."""
        try:
            return self.request("GET", path)
        except KubeApiError as err:
            if err.status == 404:
                return None
            raise
