"""A small async Kubernetes client for the operator's own writes (httpx, server-side apply).

kopf watches and patches the TradingStrategy resources itself; everything
else (children, other resources' status, Secrets, Jobs) goes through this
client. It reuses kopf's credentials (`connect(info)` from the login handler),
so there is one login, one identity, and no second client library.

Children are written with server-side apply under one field manager: the
same call creates or updates, is idempotent, and leaves fields owned by
others (a runner's state data, a user's extra labels) alone.
"""

from __future__ import annotations

from typing import Any

import httpx

from stratops.core.resource import GROUP, PLURAL, VERSION

FIELD_MANAGER = "stratops-operator"
APPLY = "application/apply-patch+yaml"
JsonDict = dict[str, Any]

_PLURALS = {
    "ConfigMap": "configmaps",
    "Secret": "secrets",
    "ServiceAccount": "serviceaccounts",
    "PersistentVolumeClaim": "persistentvolumeclaims",
    "CronJob": "cronjobs",
    "Job": "jobs",
    "Role": "roles",
    "RoleBinding": "rolebindings",
    "TradingStrategy": PLURAL,
}


class KubeError(Exception):
    """A non-2xx answer; `status` lets callers treat 404/409 as the normal cases they are."""

    def __init__(self, method: str, path: str, status: int, text: str) -> None:
        self.status = status
        super().__init__(f"{method} {path}: HTTP {status}: {text[:300]}")


def object_path(api_version: str, kind: str, namespace: str, name: str | None = None) -> str:
    """REST path of a namespaced object (or of its collection when `name` is None)."""
    prefix = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    path = f"{prefix}/namespaces/{namespace}/{_PLURALS[kind]}"
    return f"{path}/{name}" if name else path


def strategy_path(namespace: str, name: str) -> str:
    return object_path(f"{GROUP}/{VERSION}", "TradingStrategy", namespace, name)


def path_of(obj: JsonDict) -> str:
    meta = obj["metadata"]
    return object_path(obj["apiVersion"], obj["kind"], meta["namespace"], meta["name"])


class KubeApi:
    """JSON in, JSON out. Unconnected until `connect` gets credentials from kopf's login."""

    def __init__(self, timeout: float = 30.0) -> None:
        self._timeout = timeout
        self._http: httpx.AsyncClient | None = None

    async def connect(self, info: Any) -> None:
        """(Re)build the HTTP client from a `kopf.ConnectionInfo`."""
        client = httpx.AsyncClient(
            base_url=info.server,
            verify=info.as_ssl_context(),
            headers=info.as_http_headers(),
            # Hundreds of resources reconciled at once queue for the pool's connections:
            # waiting for one is not a failure, only a slow answer.
            timeout=httpx.Timeout(self._timeout, pool=None),
        )
        old, self._http = self._http, client
        if old is not None:
            await old.aclose()

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def request(
        self,
        method: str,
        path: str,
        body: JsonDict | None = None,
        params: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> JsonDict:
        if self._http is None:
            raise RuntimeError("KubeApi used before kopf's login handler connected it")
        response = await self._http.request(
            method,
            path,
            json=body,
            params=params,
            headers={"Content-Type": content_type} if body is not None else None,
        )
        if response.status_code >= 400:
            raise KubeError(method, path, response.status_code, response.text)
        return response.json() if response.content else {}

    async def apply(
        self, obj: JsonDict, subresource: str = "", manager: str = FIELD_MANAGER
    ) -> JsonDict:
        """Server-side apply (create or update) owning exactly the fields in `obj`."""
        path = path_of(obj) + (f"/{subresource}" if subresource else "")
        params = {"fieldManager": manager, "force": "true"}
        return await self.request("PATCH", path, obj, params=params, content_type=APPLY)

    async def create_if_absent(self, obj: JsonDict) -> bool:
        """Create; False when it already exists (409), which is the normal case on resume."""
        meta = obj["metadata"]
        path = object_path(obj["apiVersion"], obj["kind"], meta["namespace"])
        try:
            await self.request("POST", path, obj, params={"fieldManager": FIELD_MANAGER})
        except KubeError as err:
            if err.status == 409:
                return False
            raise
        return True

    async def get_or_none(self, path: str) -> JsonDict | None:
        try:
            return await self.request("GET", path)
        except KubeError as err:
            if err.status == 404:
                return None
            raise
