"""`CustomResourceStatusSink`: every run attempt shows up in its TradingStrategy's status."""

from __future__ import annotations

from stratops.runner.kube.client import APPLY_PATCH, KubeClient
from stratops.runner.kube.paths import strategy_path, strategy_status_path
from stratops.runner.kube.status import FIELD_MANAGER, now_rfc3339, status_body
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
        current = self.client.request("GET", strategy_path(self.namespace, self.name))
        body = status_body(
            self.name,
            self.namespace,
            outcome,
            current.get("status"),
            self.generation,
            now_rfc3339(),
        )
        self.client.request(
            "PATCH",
            strategy_status_path(self.namespace, self.name),
            body,
            params={"fieldManager": FIELD_MANAGER, "force": "true"},
            content_type=APPLY_PATCH,
        )
