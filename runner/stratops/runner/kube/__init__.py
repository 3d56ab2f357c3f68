"""The runner's cluster backend: its state in a ConfigMap, its spec and status in its resource.

`stratops.runner.target.cluster_target` imports this package for
`stratops run --strategy-name NAME --state configmap`. It talks to the API
server with the pod's own ServiceAccount through the shared client in
`stratops.core.kube`, and never imports the operator.
"""

from stratops.runner.kube.target import cluster_target

__all__ = ["cluster_target"]
