"""Where one strategy's spec, state and status live: a manifest file locally, a cluster otherwise.

`RunTarget` bundles the three so the runner core never asks which mode it is
in. Local mode: the manifest from a file, a `FileStateStore` under
`--state-dir`, no status. Cluster mode (`--strategy-name NAME --state
configmap`): the module `stratops.runner.kube` provides
`cluster_target(name: str, settings: RunnerSettings) -> RunTarget`, reading
the TradingStrategy resource and returning its ConfigMap store and status sink.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast

from stratops.core.errors import UserError
from stratops.core.resource import TradingStrategy
from stratops.runner.settings import RunnerSettings
from stratops.runner.stores import FileStateStore, NullStatusSink, StateStore, StatusSink

CLUSTER_MODULE = "stratops.runner.kube"


@dataclass(frozen=True)
class RunTarget:
    """One strategy as the runner sees it: its resource, its state store, its status sink.

    `generation` is the resource's metadata.generation when known (recorded
    with every run as provenance).
    """

    manifest: TradingStrategy
    store: StateStore
    sink: StatusSink

    @property
    def strategy_id(self) -> str:
        return self.manifest.spec.strategy_id

    @property
    def generation(self) -> int | None:
        return self.manifest.metadata.generation


def file_target(manifest: TradingStrategy, state_dir: Path) -> RunTarget:
    """Local mode: state in `<state_dir>/<strategy_id>/state.json`, no status to patch."""
    store = FileStateStore(state_dir, manifest.spec.strategy_id)
    return RunTarget(manifest, store, NullStatusSink())


class _ClusterFactory(Protocol):
    def __call__(self, name: str, settings: RunnerSettings) -> RunTarget: ...


def cluster_target(name: str, settings: RunnerSettings) -> RunTarget:
    """Cluster mode: delegate to `stratops.runner.kube.cluster_target`."""
    try:
        module = importlib.import_module(CLUSTER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != CLUSTER_MODULE:
            raise
        raise UserError(
            "--state configmap needs the cluster backend (stratops.runner.kube), "
            "which this installation lacks"
        ) from None
    factory = getattr(module, "cluster_target", None)
    if not callable(factory):
        raise UserError(f"{CLUSTER_MODULE} does not provide cluster_target(name, settings)")
    return cast(_ClusterFactory, factory)(name, settings)
