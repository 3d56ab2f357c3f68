"""Where the API server is and who we are: kubeconfig, in-cluster account, or explicit token.

A loader is a function, not a value: the client calls it again when the API
server answers 401, so a rotated ServiceAccount token, a refreshed kubeconfig
or a re-run exec plugin is picked up without restarting the process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from lightkube.config.kubeconfig import KubeConfig, SingleConfig
from lightkube.config.models import Cluster, User
from lightkube.core.exceptions import ConfigError

from stratops.core.errors import UserError

DEFAULT_SA_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
ConfigLoader = Callable[[], SingleConfig]


def server_url(host: str, port: str) -> str:
    """`https://host:port`, with an IPv6 literal in brackets as URLs require."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"https://{host}:{port}"


def in_cluster(host: str | None, port: str | None, sa_dir: Path = DEFAULT_SA_DIR) -> SingleConfig:
    """The pod's own ServiceAccount; the token file is re-read whenever the server says 401."""
    if not host:
        raise UserError("not inside a cluster: KUBERNETES_SERVICE_HOST is not set")
    token = sa_dir / "token"
    ca_file = sa_dir / "ca.crt"
    for needed in (token, ca_file):
        if not needed.is_file():
            raise UserError(f"{needed}: the ServiceAccount file is missing")
    namespace_file = sa_dir / "namespace"
    namespace = (
        namespace_file.read_text(encoding="utf-8").strip() if namespace_file.is_file() else ""
    )
    config = KubeConfig.from_one(
        cluster=Cluster(server=server_url(host, port or "443"), certificate_auth=str(ca_file)),
        user=User(token_file=str(token)),
        namespace=namespace or None,
    )
    return _single(config, "in-cluster")


def from_kubeconfig(path: Path, context: str | None = None) -> SingleConfig:
    """One context of a kubeconfig file (its current one by default)."""
    try:
        config = KubeConfig.from_file(path)
    except (OSError, ConfigError) as exc:
        raise UserError(f"{path}: cannot read the kubeconfig: {exc}") from None
    found = config.get(context_name=context)
    if found is None:
        raise UserError(f"{path}: no context {context or '(current)'}")
    return found


def from_token(server: str, token: str, ca_file: Path) -> SingleConfig:
    """An explicit identity: a bearer token checked against one CA (tests, tools)."""
    config = KubeConfig.from_one(
        cluster=Cluster(server=server, certificate_auth=str(ca_file)), user=User(token=token)
    )
    return _single(config, server)


def from_environment(environ: Mapping[str, str], sa_dir: Path = DEFAULT_SA_DIR) -> SingleConfig:
    """Like kopf's login: the in-cluster account when there is one, else `$KUBECONFIG`."""
    host = environ.get("KUBERNETES_SERVICE_HOST")
    if host and (sa_dir / "token").is_file():
        return in_cluster(host, environ.get("KUBERNETES_SERVICE_PORT"), sa_dir)
    path = environ.get("KUBECONFIG", "").split(":")[0] or str(Path.home() / ".kube" / "config")
    return from_kubeconfig(Path(path))


def _single(config: KubeConfig, what: str) -> SingleConfig:
    found = config.get()
    if found is None:  # pragma: no cover - from_one always holds one context
        raise UserError(f"{what}: no usable Kubernetes configuration")
    return found
