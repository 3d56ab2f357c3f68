"""Prometheus metrics of the operator, served on their own port (default 8081).

What an operator's users alert on: reconciles by handler and result and
their duration, resources by phase, who holds the primary role, how often
it moved, alerts raised, missed sessions and backfill Jobs. Labels are
namespaces, resource names, strategy ids and small fixed vocabularies;
never a date, a Job name or a run id.

Resources by phase and the effective primary are read from the `Book` at
scrape time, which the handlers keep current; everything else is a plain
counter, gauge or histogram updated where the thing happens. The registry
is this module's own, so importing it never touches the global one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

DEFAULT_PORT = 8081
log = logging.getLogger(__name__)
PHASES = ("Pending", "Active", "Suspended", "Error")
REGISTRY = CollectorRegistry()

RECONCILES = Counter(
    "stratops_operator_reconciles",
    "Reconciles of TradingStrategy resources by handler and result (ok, retry, error).",
    ("handler", "result"),
    registry=REGISTRY,
)
RECONCILE_SECONDS = Histogram(
    "stratops_operator_reconcile_duration_seconds",
    "Time one reconcile took, whatever its result.",
    ("handler",),
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
PRIMARY_CHANGES = Counter(
    "stratops_operator_primary_changes",
    "Changes of a namespace's effective primary seen by this operator process.",
    ("namespace",),
    registry=REGISTRY,
)
ALERTS = Counter(
    "stratops_operator_alerts",
    "Alerts raised for the primary (kind run_failed or missed_run); result webhook_failed "
    "when the configured webhook could not take one, ok otherwise.",
    ("kind", "result"),
    registry=REGISTRY,
)
MISSED_SESSIONS = Gauge(
    "stratops_operator_missed_sessions",
    "Scheduled NYSE sessions without a completed run a grace period after their time.",
    ("namespace", "name", "strategy_id"),
    registry=REGISTRY,
)
BACKFILL_JOBS = Counter(
    "stratops_operator_backfill_jobs",
    "Jobs created to run a missed session (missedRunPolicy backfill).",
    ("namespace", "name", "strategy_id"),
    registry=REGISTRY,
)


@dataclass(frozen=True)
class Entry:
    """What the operator last saw of one resource (`marked_primary`: its status said so)."""

    strategy_id: str
    phase: str
    marked_primary: bool


@dataclass(eq=False)  # registries key collectors by identity
class Book(Collector):
    """Every resource's phase and role, by (namespace, name), for the scrape-time gauges.

    `primaries` is the operator's live map of namespace -> effective primary
    (the context's): read at scrape time, so a promotion shows at once for
    both resources. Namespaces it has not elected yet fall back to the status.
    """

    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    primaries: dict[str, str | None] = field(default_factory=dict)

    def record(self, namespace: str, name: str, entry: Entry) -> None:
        self.entries[(namespace, name)] = entry

    def forget(self, namespace: str, name: str) -> None:
        """A deleted resource leaves every series, its missed-sessions gauge included."""
        entry = self.entries.pop((namespace, name), None)
        if entry is not None:
            with suppress(KeyError):
                MISSED_SESSIONS.remove(namespace, name, entry.strategy_id)

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        entries = dict(self.entries)  # one atomic copy: handlers write while we read
        phases = GaugeMetricFamily(
            "stratops_operator_resources",
            "TradingStrategy resources by namespace and phase.",
            labels=["namespace", "phase"],
        )
        counts: dict[tuple[str, str], int] = {}
        for (namespace, _), entry in entries.items():
            key = (namespace, entry.phase)
            counts[key] = counts.get(key, 0) + 1
        for namespace in sorted({ns for ns, _ in entries}):
            for phase in PHASES:
                phases.add_metric([namespace, phase], float(counts.get((namespace, phase), 0)))
        yield phases
        yield _primary_family(entries, dict(self.primaries))


def _primary_family(
    entries: dict[tuple[str, str], Entry], primaries: dict[str, str | None]
) -> Metric:
    family = GaugeMetricFamily(
        "stratops_operator_effective_primary",
        "1 for the resource holding its namespace's primary role, 0 for the others.",
        labels=["namespace", "name", "strategy_id"],
    )
    for (namespace, name), entry in sorted(entries.items()):
        holder = primaries[namespace] == name if namespace in primaries else entry.marked_primary
        value = 1.0 if holder else 0.0
        family.add_metric([namespace, name, entry.strategy_id], value)
    return family


BOOK = Book()
REGISTRY.register(BOOK)


@asynccontextmanager
async def reconcile_measured(handler: str) -> AsyncIterator[None]:
    """Count and time one reconcile; `retry` for kopf's temporary errors."""
    import kopf  # the metrics themselves need no kopf; only this outcome mapping does

    started = time.perf_counter()
    result = "error"
    try:
        yield
        result = "ok"
    except kopf.TemporaryError:
        result = "retry"
        raise
    finally:
        RECONCILES.labels(handler, result).inc()
        RECONCILE_SECONDS.labels(handler).observe(time.perf_counter() - started)


def alert_raised(kind: str, problems: list[str] | str | None) -> None:
    """Count an alert for the primary; `problems` are what its webhook POST reported."""
    ALERTS.labels(kind, "webhook_failed" if problems else "ok").inc()


def serve(port: int, address: str = "0.0.0.0") -> bool:
    """Serve `/metrics` (any path, in fact) on `port` from a daemon thread.

    A port that cannot be bound is logged, not raised: reconciling matters
    more than being scraped, and the error says what to change.
    """
    try:
        start_http_server(port, addr=address, registry=REGISTRY)
    except OSError as err:
        log.error("metrics not served: port %d: %s (set --metrics-port)", port, err.strerror)
        return False
    return True
