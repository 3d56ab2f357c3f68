"""`CustomResourceStatusSink`: every run attempt shows up in its TradingStrategy's status."""

from __future__ import annotations

from stratops.core.kube import KubeClient, strategy_path
from stratops.core.status import now_rfc3339
from stratops.runner.kube.status import run_status_body
from stratops.runner.outcome import RunOutcome


class CustomResourceStatusSink:
    """Applies lastRun, equity and LastRunSucceeded to `<name>`'s status subresource.

    The current status is read first so that an unchanged condition keeps its
    lastTransitionTime and a run without equity keeps the last one.
    """

    def __init__(
        self, client: KubeClient, namespace: str, name: str, generation: int | None
    ) -> None:
        self.client = client
        self.namespace = namespace
        self.name = name
        self.generation = generation

    def report(self, outcome: RunOutcome) -> None:
        current = self.client.get(strategy_path(self.namespace, self.name))
        body = run_status_body(
            self.name,
            self.namespace,
            outcome,
            current.get("status"),
            self.generation,
            now_rfc3339(),
        )
        self.client.apply(body, subresource="status")
