"""`cluster_target(name, settings)`: the runner's view of one TradingStrategy in its cluster."""

from __future__ import annotations

from functools import partial

from stratops.core.contract import RUNNER_MANAGER
from stratops.core.errors import UserError
from stratops.core.kube import KubeClient, in_cluster, strategy_path
from stratops.core.manifests import parse_strategy
from stratops.runner.kube.sink import CustomResourceStatusSink
from stratops.runner.kube.store import ConfigMapStateStore
from stratops.runner.settings import RunnerSettings
from stratops.runner.target import RunTarget


def cluster_target(name: str, settings: RunnerSettings) -> RunTarget:
    """Read `<name>` in the pod's namespace (STRATOPS_NAMESPACE wins) and wire store and sink.

    The spec comes from the live resource, validated like a manifest file,
    so the runner trades exactly what the cluster holds at this generation.
    """
    load = partial(
        in_cluster,
        settings.kubernetes_service_host,
        settings.kubernetes_service_port,
        settings.sa_dir,
    )
    client = KubeClient(load, RUNNER_MANAGER)
    namespace = settings.namespace or client.config.context.namespace
    if not namespace:
        raise UserError("no namespace: set STRATOPS_NAMESPACE (the operator sets it on runners)")
    found = client.get_or_none(strategy_path(namespace, name))
    if found is None:
        raise UserError(f"TradingStrategy {namespace}/{name} not found")
    manifest = parse_strategy(found, f"tradingstrategy/{namespace}/{name}")
    store = ConfigMapStateStore(client, namespace, name)
    sink = CustomResourceStatusSink(client, namespace, name, manifest.metadata.generation)
    return RunTarget(manifest, store, sink)
