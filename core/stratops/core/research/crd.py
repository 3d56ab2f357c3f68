"""The CustomResourceDefinition of StrategySweep, derived from the pydantic model.

Same conventions as TradingStrategy's (`stratops.core.crd`): the spec schema
is generated from `StrategySweepSpec`, the status schema is written here, and
`crds/strategysweeps.yaml` is this module's output (`python -m
stratops.core.research.crd > crds/strategysweeps.yaml`), kept equal by a test.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml

from stratops.core.crd import object_schema
from stratops.core.research import spec as s
from stratops.core.resource import GROUP, VERSION

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


def _printer_columns() -> list[dict[str, Any]]:
    def col(name: str, kind: str, path: str) -> dict[str, Any]:
        return {"name": name, "type": kind, "jsonPath": path}

    return [
        col("Base", "string", ".spec.baseStrategy"),
        col("Rank By", "string", ".spec.rankBy"),
        col("Done", "integer", ".status.done"),
        col("Total", "integer", ".status.total"),
        col("Failed", "integer", ".status.failed"),
        col("Best", "number", ".status.best"),
        col("Phase", "string", ".status.phase"),
        col("Age", "date", ".metadata.creationTimestamp"),
    ]


def build_crd() -> dict[str, Any]:
    spec = object_schema(s.StrategySweepSpec)
    spec["description"] = "Parameter sets to backtest on top of a base TradingStrategy."
    root = {
        "type": "object",
        "description": "A parameter sweep over a TradingStrategy, run as one Indexed Job.",
        "required": ["spec"],
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": spec,
            "status": status_schema(),
        },
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{s.PLURAL}.{GROUP}"},
        "spec": {
            "group": GROUP,
            "scope": "Namespaced",
            "names": {
                "kind": s.KIND,
                "listKind": f"{s.KIND}List",
                "plural": s.PLURAL,
                "singular": s.KIND.lower(),
                "shortNames": [s.SHORT_NAME],
                "categories": ["stratops"],
            },
            "versions": [
                {
                    "name": VERSION,
                    "served": True,
                    "storage": True,
                    "subresources": {"status": {}},
                    "additionalPrinterColumns": _printer_columns(),
                    "schema": {"openAPIV3Schema": root},
                }
            ],
        },
    }


def render_crd() -> str:
    header = (
        "# Generated by `python -m stratops.core.research.crd` from "
        "stratops.core.research.spec. Do not edit.\n"
    )
    return header + yaml.safe_dump(build_crd(), sort_keys=False, width=100)


if __name__ == "__main__":
    sys.stdout.write(render_crd())
