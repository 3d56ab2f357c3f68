"""The operator's registry: phases and the effective primary at scrape time, reconcile results."""

from __future__ import annotations

import asyncio

import kopf
import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from stratops.operator import prometheus

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape() -> Samples:
    text = generate_latest(prometheus.REGISTRY).decode()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def get(samples: Samples, series: str, **labels: str) -> float | None:
    return samples.get((series, frozenset(labels.items())))


def test_phases_and_primary_follow_the_book_and_the_live_election() -> None:
    book = prometheus.BOOK
    book.record("unit-a", "v3-5b", prometheus.Entry("v3_5b", "Active", marked_primary=True))
    book.record("unit-a", "v3-5d", prometheus.Entry("v3_5d", "Error", marked_primary=False))
    first = scrape()
    assert get(first, "stratops_operator_resources", namespace="unit-a", phase="Active") == 1
    assert get(first, "stratops_operator_resources", namespace="unit-a", phase="Error") == 1
    assert get(first, "stratops_operator_resources", namespace="unit-a", phase="Suspended") == 0
    primary = "stratops_operator_effective_primary"
    assert get(first, primary, namespace="unit-a", name="v3-5b", strategy_id="v3_5b") == 1

    book.primaries = {"unit-a": "v3-5d"}  # the election moved the role
    moved = scrape()
    assert get(moved, primary, namespace="unit-a", name="v3-5b", strategy_id="v3_5b") == 0
    assert get(moved, primary, namespace="unit-a", name="v3-5d", strategy_id="v3_5d") == 1

    prometheus.MISSED_SESSIONS.labels("unit-a", "v3-5d", "v3_5d").set(3)
    book.forget("unit-a", "v3-5d")
    gone = scrape()
    assert get(gone, primary, namespace="unit-a", name="v3-5d", strategy_id="v3_5d") is None
    missed = "stratops_operator_missed_sessions"
    assert get(gone, missed, namespace="unit-a", name="v3-5d", strategy_id="v3_5d") is None
    book.forget("unit-a", "v3-5b")
    book.primaries = {}


def test_reconciles_are_counted_by_result_and_timed() -> None:
    def count(result: str) -> float:
        total = get(scrape(), "stratops_operator_reconciles_total", handler="t", result=result)
        return total or 0.0

    async def run(error: BaseException | None) -> None:
        async with prometheus.reconcile_measured("t"):
            if error is not None:
                raise error

    before = {r: count(r) for r in ("ok", "retry", "error")}
    asyncio.run(run(None))
    with pytest.raises(kopf.TemporaryError):
        asyncio.run(run(kopf.TemporaryError("later", delay=1)))
    with pytest.raises(RuntimeError):
        asyncio.run(run(RuntimeError("bug")))
    assert {r: count(r) - before[r] for r in before} == {"ok": 1, "retry": 1, "error": 1}
    hist = get(scrape(), "stratops_operator_reconcile_duration_seconds_count", handler="t")
    assert hist is not None
    assert hist >= 3


def test_alerts_count_webhook_problems() -> None:
    def count(result: str) -> float:
        found = get(scrape(), "stratops_operator_alerts_total", kind="unit", result=result)
        return found or 0.0

    prometheus.alert_raised("unit", None)
    prometheus.alert_raised("unit", ["alert webhook answered HTTP 500"])
    assert (count("ok"), count("webhook_failed")) == (1, 1)
