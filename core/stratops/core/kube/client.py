"""JSON in, JSON out against one API server: `KubeClient` (blocking) and `AsyncKubeClient`.

Both take a configuration *loader* (see `config.py`). lightkube's auth flows
already re-read a rotated token file or re-run an exec plugin on a 401; when
the answer is still 401 the client loads its configuration afresh and tries
once more, so credentials that changed underneath a long-lived process (the
operator) are picked up instead of failing every call until a restart.
Every failure is `KubeError`: one line naming the call, the HTTP status and
the server's own message; `status` 0 means no answer at all.
"""

from __future__ import annotations

import asyncio
from typing import Any, Self

import httpx2
from lightkube.config.client_adapter import Client, ConnectionParams
from lightkube.config.kubeconfig import SingleConfig

from stratops.core.errors import UserError
from stratops.core.kube.config import ConfigLoader
from stratops.core.kube.paths import object_path, path_of

JsonDict = dict[str, Any]
JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
UNAUTHORIZED = 401
NOT_FOUND = 404
CONFLICT = 409


class KubeError(UserError):
    """A call the API server refused or could not be reached for; `status` 0 = no answer."""

    reason = "cluster_api"

    def __init__(self, method: str, path: str, status: int, detail: str) -> None:
        self.status = status
        self.body = detail
        text = f"HTTP {status}: {detail}" if status else detail
        super().__init__(f"Kubernetes API {method} {path}: {text}")


def server_message(response: httpx2.Response) -> str:
    """The `message` of a Kubernetes Status body, else the start of the raw text, one line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("message"):
        text = str(body["message"])
    else:
        text = response.text or response.reason_phrase
    return " ".join(text.split())[:500]


def _params(timeout: float) -> ConnectionParams:
    # Hundreds of resources reconciled at once queue for the pool's connections:
    # waiting for one is not a failure, only a slow answer.
    return ConnectionParams(
        timeout=httpx2.Timeout(timeout, connect=min(timeout, 5.0), pool=None), trust_env=False
    )


# The operator's reconciles of a fleet all talk to the API server at once. httpx
# keeps only 20 idle connections by default and closes the rest after each
# request, so a burst paid a new TCP + TLS handshake (on both ends) for most of
# its calls. Every connection the pool opens is kept instead. Requests beyond
# the pool wait on the client's own semaphore (never fail: see `_params`), not in
# httpcore's queue, which is rescanned whole each time a connection is released.
# Fewer connections cost less CPU (httpcore queries every pooled socket when it
# hands one out), but on a busy API server 8 left 500 reconciles waiting, holding
# their memory, for minutes; 32 kept a fleet of 500 under 160 MiB.
OPERATOR_CONNECTIONS = 32


def _async_client(config: SingleConfig, timeout: float) -> httpx2.AsyncClient:
    limits = httpx2.Limits(
        max_connections=OPERATOR_CONNECTIONS, max_keepalive_connections=OPERATOR_CONNECTIONS
    )
    return httpx2.AsyncClient(limits=limits, **_params(timeout).httpx_params(config))


def _request_args(
    body: JsonDict | None, params: dict[str, str] | None, content_type: str
) -> dict[str, Any]:
    headers = {"Accept": JSON}
    if body is not None:
        headers["Content-Type"] = content_type
    return {"json": body, "params": params, "headers": headers}


def _decode(method: str, path: str, response: httpx2.Response) -> JsonDict:
    if response.status_code >= 400:
        raise KubeError(method, path, response.status_code, server_message(response))
    return response.json() if response.content else {}


def _unreachable(method: str, path: str, server: str, exc: Exception) -> KubeError:
    detail = f"cannot reach {server}: {type(exc).__name__}: {exc}"
    return KubeError(method, path, 0, " ".join(detail.split()))


def _apply_params(manager: str) -> dict[str, str]:
    return {"fieldManager": manager, "force": "true"}


class KubeClient:
    """Blocking client: the runner's few calls per run, and the tests' kubectl-like steps."""

    def __init__(self, load: ConfigLoader, field_manager: str, timeout: float = 30.0) -> None:
        self._load = load
        self.field_manager = field_manager
        self._timeout = timeout
        self.config: SingleConfig = load()
        self._http = Client(self.config, _params(timeout))

    @property
    def server(self) -> str:
        return self.config.cluster.server

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _reconnect(self) -> None:
        self.config = self._load()
        old, self._http = self._http, Client(self.config, _params(self._timeout))
        old.close()

    def request(
        self,
        method: str,
        path: str,
        body: JsonDict | None = None,
        params: dict[str, str] | None = None,
        content_type: str = JSON,
    ) -> JsonDict:
        args = _request_args(body, params, content_type)
        try:
            response = self._http.request(method, path, **args)
            if response.status_code == UNAUTHORIZED:
                self._reconnect()
                response = self._http.request(method, path, **args)
        except httpx2.HTTPError as exc:
            raise _unreachable(method, path, self.server, exc) from None
        return _decode(method, path, response)

    def get(self, path: str, params: dict[str, str] | None = None) -> JsonDict:
        return self.request("GET", path, params=params)

    def create(self, path: str, body: JsonDict) -> JsonDict:
        return self.request("POST", path, body)

    def merge_patch(self, path: str, body: JsonDict) -> JsonDict:
        return self.request("PATCH", path, body, content_type=MERGE_PATCH)

    def apply(self, obj: JsonDict, subresource: str = "", manager: str | None = None) -> JsonDict:
        """Server-side apply (create or update) owning exactly the fields in `obj`."""
        path = path_of(obj) + (f"/{subresource}" if subresource else "")
        params = _apply_params(manager or self.field_manager)
        return self.request("PATCH", path, obj, params, APPLY_PATCH)

    def delete(self, path: str, body: JsonDict | None = None) -> JsonDict:
        return self.request("DELETE", path, body)

    def get_or_none(self, path: str) -> JsonDict | None:
        """The object, or None when it does not exist (404)."""
        try:
            return self.get(path)
        except KubeError as err:
            if err.status == NOT_FOUND:
                return None
            raise

    def delete_if_present(self, path: str, body: JsonDict | None = None) -> None:
        """Delete; a 404 means someone (or the garbage collector) already did."""
        try:
            self.delete(path, body)
        except KubeError as err:
            if err.status != NOT_FOUND:
                raise


class AsyncKubeClient:
    """The operator's client for everything kopf does not watch or patch itself.

    Unconnected until first used, so building it never touches the network
    or the credentials (the operator's context is made before kopf starts).
    """

    def __init__(
        self, field_manager: str, load: ConfigLoader | None = None, timeout: float = 30.0
    ) -> None:
        self._load = load
        self.field_manager = field_manager
        self._timeout = timeout
        self._http: httpx2.AsyncClient | None = None
        self._in_flight = asyncio.Semaphore(OPERATOR_CONNECTIONS)
        self.server = ""

    def use(self, load: ConfigLoader) -> None:
        """Where credentials come from; the next call connects with them."""
        self._load = load

    async def _connect(self) -> httpx2.AsyncClient:
        if self._load is None:
            raise RuntimeError("AsyncKubeClient used before it was given a configuration")
        config = self._load()
        self.server = config.cluster.server
        old, self._http = self._http, _async_client(config, self._timeout)
        if old is not None:
            await old.aclose()
        return self._http

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
        content_type: str = JSON,
    ) -> JsonDict:
        args = _request_args(body, params, content_type)
        try:
            async with self._in_flight:
                http = self._http or await self._connect()
                response = await http.request(method, path, **args)
                if response.status_code == UNAUTHORIZED:
                    http = await self._connect()
                    response = await http.request(method, path, **args)
        except httpx2.HTTPError as exc:
            raise _unreachable(method, path, self.server, exc) from None
        return _decode(method, path, response)

    async def apply(
        self, obj: JsonDict, subresource: str = "", manager: str | None = None
    ) -> JsonDict:
        """Server-side apply (create or update) owning exactly the fields in `obj`."""
        path = path_of(obj) + (f"/{subresource}" if subresource else "")
        params = _apply_params(manager or self.field_manager)
        return await self.request("PATCH", path, obj, params, APPLY_PATCH)

    async def create_if_absent(self, obj: JsonDict) -> bool:
        """Create; False when it already exists (409), which is the normal case on resume."""
        meta = obj["metadata"]
        path = object_path(obj["apiVersion"], obj["kind"], meta["namespace"])
        try:
            await self.request("POST", path, obj, params={"fieldManager": self.field_manager})
        except KubeError as err:
            if err.status == CONFLICT:
                return False
            raise
        return True

    async def create_or_get(self, obj: JsonDict) -> JsonDict | None:
        """Create and return the object as the server stored it; when it already exists
        (409), the existing one; None if that was deleted in between. One request in the
        usual case, where creating and then reading it back took two."""
        meta = obj["metadata"]
        path = object_path(obj["apiVersion"], obj["kind"], meta["namespace"])
        try:
            return await self.request(
                "POST", path, obj, params={"fieldManager": self.field_manager}
            )
        except KubeError as err:
            if err.status != CONFLICT:
                raise
        return await self.get_or_none(path_of(obj))

    async def get_or_none(self, path: str) -> JsonDict | None:
        try:
            return await self.request("GET", path)
        except KubeError as err:
            if err.status == NOT_FOUND:
                return None
            raise
