"""The operator on the real control plane, with a simulated clock and its metrics port.

The operator is the real `python -m stratops.operator` process of the
operator tests, started with three settings of its own: a fixed "now"
(Tuesday 2 December 2025, 18:00 in New York, a week after Thanksgiving), a
schedule check every second, and a free port for `/metrics`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from stratops.core.db import create_engine_for, upgrade_to_head

from ..controlplane import ControlPlane
from ..kubeclient import KubeClient
from ..operators import OperatorProcess, free_port, operator_lifetime

FAKE_NOW = "2025-12-02T23:00:00Z"
FIXED_CLOCK_OPERATOR = (
    Path(__file__).resolve().parents[2] / "entrypoints" / "operator_at_fixed_time.py"
)
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


class ObservedOperator(OperatorProcess):
    """The operator process plus a scrape of its metrics port."""

    def __init__(self, plane: ControlPlane, namespace: str, db_url: str, log: Path) -> None:
        super().__init__(plane, namespace, db_url, log)
        self.metrics_port = free_port()
        self.entry = [str(FIXED_CLOCK_OPERATOR), FAKE_NOW]  # missed runs judged at FAKE_NOW
        self.env.update(
            {
                "STRATOPS_OPERATOR_MISSED_RUN_CHECK_SECONDS": "1",
                "STRATOPS_OPERATOR_METRICS_PORT": str(self.metrics_port),
            }
        )

    def scrape(self) -> Samples:
        response = httpx.get(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5)
        response.raise_for_status()
        return {
            (s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.text)
            for s in family.samples
        }

    def sample(self, series: str, **labels: str) -> float | None:
        """One sample, None while the port is not up yet or the series is absent."""
        try:
            samples = self.scrape()
        except httpx.HTTPError:
            return None
        return samples.get((series, frozenset(labels.items())))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'operator.db'}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine_for(db_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def operator(
    control_plane: ControlPlane,
    kube: KubeClient,
    namespace: str,
    engine: Engine,
    db_url: str,
    priority_classes: None,
    tmp_path: Path,
) -> Iterator[ObservedOperator]:
    proc = ObservedOperator(control_plane, namespace, db_url, tmp_path / "operator.log")
    yield from operator_lifetime(proc, kube, namespace)
