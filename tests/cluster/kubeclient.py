"""A deliberately small Kubernetes REST client for the cluster test tier.

Why not the `kubernetes` package: the tests need a handful of verbs against a
real API server, and plain httpx keeps the test dependencies light and the
requests visible.  The operator itself uses kopf; nothing here is shared with it.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

JsonObject = dict[str, Any]


class ApiError(Exception):
    """A non-2xx answer, with the API server's Status message kept for assertions."""

    def __init__(self, method: str, path: str, status_code: int, body: str) -> None:
        self.status_code = status_code
        self.body = body
        super().__init__(f"{method} {path} -> {status_code}: {body[:500]}")


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


class KubeClient:
    """JSON in, JSON out; raises ApiError on failures so tests read like kubectl."""

    def __init__(
        self, endpoint: ApiEndpoint, token: str | None = None, timeout: float = 30.0
    ) -> None:
        self.endpoint = endpoint
        context = ssl.create_default_context(cafile=str(endpoint.ca_file))
        self._http = httpx.Client(
            base_url=endpoint.server,
            verify=context,
            timeout=timeout,
            headers={"Authorization": f"Bearer {token or endpoint.token}"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> KubeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        body: JsonObject | None = None,
        params: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> JsonObject:
        """Send one request; the decoded JSON answer (empty dict for an empty body)."""
        response = self._http.request(
            method,
            path,
            json=body,
            params=params,
            headers={"Content-Type": content_type} if body is not None else None,
        )
        if response.status_code >= 400:
            raise ApiError(method, path, response.status_code, response.text)
        return response.json() if response.content else {}

    def get(self, path: str, params: dict[str, str] | None = None) -> JsonObject:
        return self.request("GET", path, params=params)

    def create(self, path: str, body: JsonObject) -> JsonObject:
        return self.request("POST", path, body)

    def merge_patch(self, path: str, body: JsonObject) -> JsonObject:
        return self.request("PATCH", path, body, content_type="application/merge-patch+json")

    def delete(self, path: str, body: JsonObject | None = None) -> JsonObject:
        return self.request("DELETE", path, body)

    def get_or_none(self, path: str) -> JsonObject | None:
        """The object, or None when it does not exist (404)."""
        try:
            return self.get(path)
        except ApiError as err:
            if err.status_code == 404:
                return None
            raise

    def delete_if_present(self, path: str, body: JsonObject | None = None) -> None:
        """Delete; a 404 means someone (or the garbage collector) already did."""
        try:
            self.delete(path, body)
        except ApiError as err:
            if err.status_code != 404:
                raise
