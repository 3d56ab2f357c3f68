"""The one Kubernetes client of stratops: lightkube's configuration, authentication and
kind registry, with JSON in and out, for the operator (async), the runner and the tests (sync).

Builders everywhere return plain dicts (the shapes `kubectl` shows), so the
client speaks dicts too; what a maintained library is for (kubeconfig and
in-cluster loading, TLS, token rotation and exec plugins, which kind lives
under which plural) comes from lightkube. Why lightkube and not `kubernetes`:
docs/operator.md ("The Kubernetes client"), measured by `bench/kube_client.py`.
"""

from stratops.core.kube.client import (
    APPLY_PATCH,
    MERGE_PATCH,
    AsyncKubeClient,
    JsonDict,
    KubeClient,
    KubeError,
)
from stratops.core.kube.config import ConfigLoader, from_environment, from_kubeconfig, in_cluster
from stratops.core.kube.paths import object_path, path_of, strategy_path, strategy_status_path

__all__ = [
    "APPLY_PATCH",
    "MERGE_PATCH",
    "AsyncKubeClient",
    "ConfigLoader",
    "JsonDict",
    "KubeClient",
    "KubeError",
    "from_environment",
    "from_kubeconfig",
    "in_cluster",
    "object_path",
    "path_of",
    "strategy_path",
    "strategy_status_path",
]
