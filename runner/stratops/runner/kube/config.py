"""Where the API server is and who the pod is: the in-cluster configuration.

Kubernetes gives every pod `KUBERNETES_SERVICE_HOST`/`_PORT` and mounts its
ServiceAccount token, CA bundle and namespace at a fixed directory. Tests
that run pods as local processes point `STRATOPS_SA_DIR` at another
directory, so the same code reads either.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from stratops.core.errors import UserError

DEFAULT_SA_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
SA_DIR_ENV = "STRATOPS_SA_DIR"


@dataclass(frozen=True)
class InClusterConfig:
    """The API server's base URL, the bearer token, the CA file and the pod's namespace."""

    server: str
    token: str
    ca_file: Path
    namespace: str | None


def server_url(host: str, port: str) -> str:
    """`https://host:port`, with an IPv6 literal in brackets as URLs require."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"https://{host}:{port}"


def service_account_dir(environ: Mapping[str, str]) -> Path:
    return Path(environ.get(SA_DIR_ENV) or DEFAULT_SA_DIR)


def load_in_cluster(environ: Mapping[str, str] | None = None) -> InClusterConfig:
    """Read the pod's configuration; a missing piece is one clear line, not a traceback."""
    env = os.environ if environ is None else environ
    host = env.get("KUBERNETES_SERVICE_HOST")
    if not host:
        raise UserError(
            "--state configmap runs inside a cluster: KUBERNETES_SERVICE_HOST is not set"
        )
    directory = service_account_dir(env)
    token = _read(directory / "token").strip()
    ca_file = directory / "ca.crt"
    if not ca_file.is_file():
        raise UserError(f"{ca_file}: the ServiceAccount CA bundle is missing")
    namespace_file = directory / "namespace"
    namespace = _read(namespace_file).strip() if namespace_file.is_file() else None
    port = env.get("KUBERNETES_SERVICE_PORT") or "443"
    return InClusterConfig(server_url(host, port), token, ca_file, namespace or None)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot read the ServiceAccount file: {exc.strerror}") from None
