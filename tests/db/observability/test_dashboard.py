"""The Grafana dashboard asks only for series that stratops serves, with labels they have."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from stratops.operator import prometheus as operator_metrics

from .conftest import Api
from .test_api_metrics import seed

DASHBOARD = (
    Path(__file__).resolve().parents[3] / "manifests" / "grafana" / "stratops-dashboard.json"
)
SUFFIXES = re.compile(r"_(bucket|count|sum|total)$")


def families(text: str) -> dict[str, set[str]]:
    """Family name -> label names seen on its samples (le excluded)."""
    found: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(text):
        labels = found.setdefault(family.name, set())
        for sample in family.samples:
            labels.update(k for k in sample.labels if k != "le")
    return found


def expressions() -> list[str]:
    doc = json.loads(DASHBOARD.read_text())
    panels = [p for p in doc["panels"] if p["type"] != "row"]
    assert {"Equity by strategy", "API latency p95 by route"} <= {p["title"] for p in panels}
    assert any("reconciles_total" in t["expr"] for p in panels for t in p["targets"])
    return [t["expr"] for p in panels for t in p["targets"]]


def test_every_series_of_the_dashboard_exists(api: Api, db_engine: Engine) -> None:
    seed(db_engine)
    api.get("/api/strategies")
    served = families(api.get("/metrics").text)
    served.update(families(generate_latest(operator_metrics.REGISTRY).decode()))
    for expr in expressions():
        for name in re.findall(r"stratops_[a-z_]+", expr):
            family = SUFFIXES.sub("", name)
            assert family in served, f"{name} in {expr!r} is not served"
            for label in re.findall(r"by \(([^)]*)\)", expr):
                wanted = {x.strip() for x in label.split(",")} - {"le"}
                known = served[family]  # empty for a labelled series with no child yet
                assert not known or wanted <= known, (expr, wanted, known)
