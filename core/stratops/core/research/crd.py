"""The CustomResourceDefinition of StrategySweep: its kind's parts for the one generator.

The spec schema is generated from `StrategySweepSpec` by `stratops.core.crd`;
the status schema is written here. `crds/strategysweeps.yaml` is this module's
output (`python -m stratops.core.research.crd > crds/strategysweeps.yaml`),
kept equal by a test.
"""

from __future__ import annotations

import sys
from typing import Any

from stratops.core.crd import CrdKind, render
from stratops.core.research import spec as s

PHASES = ["Pending", "Running", "Succeeded", "Failed", "Error"]


def _free_object(description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "x-kubernetes-preserve-unknown-fields": True,
    }


def _condition_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", "status"],
        "properties": {
            "type": {"type": "string", "description": "Ready, Complete"},
            "status": {"type": "string", "enum": ["True", "False", "Unknown"]},
            "reason": {"type": "string", "description": "CamelCase reason for the status."},
            "message": {"type": "string", "description": "Human-readable detail."},
            "lastTransitionTime": {"type": "string", "format": "date-time"},
            "observedGeneration": {"type": "integer"},
        },
    }


def _top_schema() -> dict[str, Any]:
    return {
        "type": "array",
        "description": "The best sets so far, best first.",
        "items": {
            "type": "object",
            "properties": {
                "rank": {"type": "integer"},
                "index": {"type": "integer", "description": "Set index in the sweep."},
                "score": {"type": "number", "description": "The ranking metric."},
                "parameters": _free_object("The set's parameter overrides."),
                "inSample": _free_object("Metrics before outOfSampleStart (or of the period)."),
                "outOfSample": _free_object("Metrics from outOfSampleStart on."),
            },
        },
    }


def status_schema() -> dict[str, Any]:
    """What the operator writes; users never set it."""
    return {
        "type": "object",
        "description": "Observed state, written by the operator.",
        "properties": {
            "observedGeneration": {"type": "integer"},
            "phase": {"type": "string", "enum": PHASES},
            "job": {"type": "string", "description": "The Indexed Job computing the sets."},
            "sweepId": {"type": "integer", "description": "Key of the sweep's database rows."},
            "total": {"type": "integer", "description": "Parameter sets in the sweep."},
            "done": {"type": "integer", "description": "Sets with a stored row."},
            "failed": {"type": "integer", "description": "Sets that failed."},
            "failedIndexes": {
                "type": "array",
                "description": "Failed sets or Job indexes, with the reason.",
                "items": {
                    "type": "object",
                    "properties": {
                        "index": {"type": "integer"},
                        "reason": {"type": "string"},
                    },
                },
            },
            "best": {"type": "number", "description": "Score of the best set so far."},
            "top": _top_schema(),
            "conditions": {
                "type": "array",
                "description": "Ready (inputs valid, Job created) and Complete.",
                "items": _condition_schema(),
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["type"],
            },
        },
    }


STRATEGY_SWEEP = CrdKind(
    kind=s.KIND,
    plural=s.PLURAL,
    short_name=s.SHORT_NAME,
    description="A parameter sweep over a TradingStrategy, run as one Indexed Job.",
    spec_model=s.StrategySweepSpec,
    spec_description="Parameter sets to backtest on top of a base TradingStrategy.",
    status=status_schema,
    columns=(
        ("Base", "string", ".spec.baseStrategy"),
        ("Rank By", "string", ".spec.rankBy"),
        ("Done", "integer", ".status.done"),
        ("Total", "integer", ".status.total"),
        ("Failed", "integer", ".status.failed"),
        ("Best", "number", ".status.best"),
        ("Phase", "string", ".status.phase"),
        ("Age", "date", ".metadata.creationTimestamp"),
    ),
    module="stratops.core.research.crd",
    sources="stratops.core.research.spec",
)


def render_crd() -> str:
    return render(STRATEGY_SWEEP)


if __name__ == "__main__":
    sys.stdout.write(render_crd())
