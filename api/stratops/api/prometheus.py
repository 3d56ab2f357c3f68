"""`/metrics`: the API's own requests, and the runners' results read from the ledger.

Runners are short-lived Jobs that nobody can scrape, but every run already
leaves its duration, result and equity in `strategy_runs` (and each failed
attempt in `run_failures`). So the API, which reads that database anyway,
turns it into Prometheus series at scrape time (`LedgerCollector`), and every
API replica reports the same numbers. The latest run of each strategy is one
index probe per strategy (`queries.overview`); the lifetime counts read only
the rows added since the last settled id (`stratops.api.run_totals`), so a
scrape never reads the whole history.

Labels stay bounded: strategy ids, run results, failure reason codes, route
templates (`/api/strategies/{strategy_id}`, never the raw path), methods and
status codes. Never a trade id or a date.

Each app gets its own registry, so two apps in one process (tests, the
demo) never share or clash over series.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as render
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stratops.api import queries
from stratops.api.missed import DEFAULT_JUDGE, Judge, missed_by_strategy
from stratops.api.run_totals import RunTotals, Totals

RUN_DURATION_BOUNDS = (1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
UNMATCHED = "<unmatched>"


class RequestMetrics:
    """ASGI middleware: request count and latency by method, route template and status."""

    def __init__(self, app: ASGIApp, registry: CollectorRegistry) -> None:
        self.app = app
        labels = ("method", "route", "status")
        self.requests = Counter(
            "stratops_api_requests", "HTTP requests served.", labels, registry=registry
        )
        self.latency = Histogram(
            "stratops_api_request_duration_seconds",
            "Time from request to the end of the response.",
            labels,
            registry=registry,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the client gets when the app raises before answering
        started = time.perf_counter()

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            labels = (scope["method"], route_template(scope), str(status))
            self.requests.labels(*labels).inc()
            self.latency.labels(*labels).observe(time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The matched route's path template; one label value for every unmatched path."""
    route = scope.get("route")
    if route is None:
        return UNMATCHED
    path = str(getattr(route, "path_format", None) or getattr(route, "path", UNMATCHED))
    return f"{path}/{{path}}" if isinstance(route, Mount) else path


class LedgerCollector(Collector):
    """Runner results from the database, computed at every scrape."""

    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], dt.datetime],
        judge: Judge = DEFAULT_JUDGE,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.judge = judge
        self.totals = RunTotals(RUN_DURATION_BOUNDS)

    def describe(self) -> list[Metric]:
        return []  # computed at scrape time; nothing to check at registration

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "stratops_api_ledger_up", "1 when the last scrape could read the ledger."
        )
        try:
            with Session(self.engine) as session:
                families = list(self._families(session))
        except SQLAlchemyError:
            up.add_metric([], 0.0)
            yield up
            return
        up.add_metric([], 1.0)
        yield up
        yield from families

    def _families(self, session: Session) -> Iterator[Metric]:
        totals = self.totals.read(session)
        yield _run_counter(totals)
        yield _failure_counter(totals)
        yield _duration_histogram(totals)
        known = queries.overview(session)
        yield from _latest_gauges([row for row in known if row.run_trade_date is not None])
        yield from self._schedule_gauges([row for row in known if row.config_id is not None])

    def _schedule_gauges(self, rows: list[Any]) -> Iterator[Metric]:
        missed = GaugeMetricFamily(
            "stratops_strategy_missed_sessions",
            "Scheduled NYSE sessions without a completed run a grace period after their time.",
            labels=["strategy_id"],
        )
        primary = GaugeMetricFamily(
            "stratops_strategy_primary",
            "1 for the strategy configured as primary.",
            labels=["strategy_id"],
        )
        found = missed_by_strategy(rows, self.clock(), self.judge)
        for row in rows:
            missed.add_metric([row.strategy_id], float(len(found[row.strategy_id])))
            primary.add_metric([row.strategy_id], 1.0 if row.is_primary else 0.0)
        yield missed
        yield primary


def _run_counter(totals: Totals) -> Metric:
    family = CounterMetricFamily(
        "stratops_strategy_runs",
        "Runner attempts by result: traded and no_change completed, failed did not.",
        labels=["strategy_id", "result"],
    )
    for (strategy_id, result), n in sorted(totals.runs.items()):
        family.add_metric([strategy_id, result], float(n))
    failures: dict[str, int] = {}
    for (strategy_id, _), n in totals.failures.items():
        failures[strategy_id] = failures.get(strategy_id, 0) + n
    for strategy_id, n in sorted(failures.items()):
        family.add_metric([strategy_id, "failed"], float(n))
    return family


def _failure_counter(totals: Totals) -> Metric:
    family = CounterMetricFamily(
        "stratops_strategy_run_failures",
        "Failed runner attempts by reason (stale_data, invalid_state, ...).",
        labels=["strategy_id", "reason"],
    )
    for (strategy_id, reason), n in sorted(totals.failures.items()):
        family.add_metric([strategy_id, reason], float(n))
    return family


def _duration_histogram(totals: Totals) -> Metric:
    family = HistogramMetricFamily(
        "stratops_strategy_run_duration_seconds",
        "Duration of completed runs (from data read to ledger write).",
        labels=["strategy_id"],
    )
    for strategy_id, sums in sorted(totals.durations.items()):
        buckets = [
            (str(float(bound)), float(sums[2 + i])) for i, bound in enumerate(RUN_DURATION_BOUNDS)
        ]
        buckets.append(("+Inf", float(sums[0])))
        family.add_metric([strategy_id], buckets, sum_value=float(sums[1]))
    return family


def _latest_gauges(rows: list[Any]) -> Iterator[Metric]:
    labels = ["strategy_id"]
    equity = GaugeMetricFamily(
        "stratops_strategy_equity_dollars", "Paper equity after the latest run.", labels=labels
    )
    duration = GaugeMetricFamily(
        "stratops_strategy_last_run_duration_seconds",
        "Duration of the latest completed run.",
        labels=labels,
    )
    finished = GaugeMetricFamily(
        "stratops_strategy_last_run_timestamp_seconds",
        "When the latest completed run finished (Unix time).",
        labels=labels,
    )
    for row in rows:
        equity.add_metric([row.strategy_id], float(row.run_equity))
        duration.add_metric([row.strategy_id], float(row.run_duration_seconds))
        finished.add_metric([row.strategy_id], _epoch(row.run_finished_at))
    yield from (equity, duration, finished)


def _epoch(moment: dt.datetime) -> float:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.timestamp()


def install_metrics(
    app: FastAPI,
    engine: Engine,
    clock: Callable[[], dt.datetime],
    judge: Judge = DEFAULT_JUDGE,
) -> CollectorRegistry:
    """Measure every request of `app` and serve `/metrics`; returns the app's registry."""
    registry = CollectorRegistry()
    registry.register(LedgerCollector(engine, clock, judge))
    app.add_middleware(RequestMetrics, registry=registry)

    def metrics() -> Response:
        return Response(render(registry), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
    return registry
