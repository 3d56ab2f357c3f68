"""The CustomResourceDefinition of TradingStrategy, derived from the pydantic model.

The spec schema comes from `stratops.core.resource`, the status schema from
`stratops.core.status`. `crds/tradingstrategies.yaml` is this module's output (`python -m
stratops.core.crd > crds/tradingstrategies.yaml`); a test fails when the file
and the model drift apart. Deriving the schema means a field's type, default,
bounds, enum and description are written once.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
import typing
from typing import Any, Literal

import annotated_types
import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from stratops.core import resource as r
from stratops.core.status import TradingStrategyStatus

_SCALARS: dict[Any, str] = {str: "string", bool: "boolean", float: "number", int: "integer"}


def field_schema(info: FieldInfo) -> dict[str, Any]:
    """OpenAPI v3 (structural) schema of one model field."""
    schema = _type_schema(info.annotation)
    if info.description:
        schema["description"] = info.description
    schema.update(_constraints(info))
    if not info.is_required():
        schema.update(_default(info.get_default(call_default_factory=True)))
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    for key in ("pattern", "format"):
        if key in extra:
            schema[key] = extra[key]
    schema.update({k: v for k, v in extra.items() if k.startswith("x-kubernetes-list")})
    if extra.get("immutable"):
        schema["x-kubernetes-validations"] = [
            {"rule": "self == oldSelf", "message": "is immutable"}
        ]
    return schema


def _default(value: Any) -> dict[str, Any]:
    """Server-side defaults, so `kubectl get -o yaml` shows what the runner will use."""
    if isinstance(value, BaseModel):
        return {"default": {}}  # the API server then fills the nested defaults
    if value is None or isinstance(value, dict):
        return {}
    return {"default": value}


def _type_schema(annotation: Any) -> dict[str, Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _type_schema(members[0])
    if origin is Literal:
        return {"type": "string", "enum": list(typing.get_args(annotation))}
    if origin is list:
        return {"type": "array", "items": _type_schema(typing.get_args(annotation)[0])}
    if origin is dict:
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    if annotation is dt.date:
        return {"type": "string", "format": "date"}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return object_schema(annotation)
    return {"type": _SCALARS[annotation]}


def _constraints(info: FieldInfo) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for meta in info.metadata:
        if isinstance(meta, annotated_types.Gt):
            out.update(minimum=meta.gt, exclusiveMinimum=True)
        elif isinstance(meta, annotated_types.Ge):
            out["minimum"] = meta.ge
        elif isinstance(meta, annotated_types.Lt):
            out.update(maximum=meta.lt, exclusiveMaximum=True)
        elif isinstance(meta, annotated_types.Le):
            out["maximum"] = meta.le
        elif isinstance(meta, annotated_types.MinLen):
            out["minLength"] = meta.min_length
        elif isinstance(meta, annotated_types.MaxLen):
            out["maxLength"] = meta.max_length
    return out


def object_schema(model: type[BaseModel]) -> dict[str, Any]:
    properties = {
        (info.alias or name): field_schema(info) for name, info in model.model_fields.items()
    }
    required = [
        (info.alias or name) for name, info in model.model_fields.items() if info.is_required()
    ]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def status_schema() -> dict[str, Any]:
    """The status the operator and runner write (users never set it), from the status model."""
    schema = object_schema(TradingStrategyStatus)
    schema["description"] = "Observed state, written by the operator and the runner."
    return schema


def _printer_columns() -> list[dict[str, Any]]:
    def col(name: str, kind: str, path: str, **extra: Any) -> dict[str, Any]:
        return {"name": name, "type": kind, "jsonPath": path, **extra}

    return [
        col("Strategy ID", "string", ".spec.strategyId"),
        col("Class", "string", ".spec.strategyClass"),
        col("Primary", "boolean", ".status.effectivePrimary"),
        col("Active", "boolean", ".spec.active"),
        col("Phase", "string", ".status.phase"),
        col("Equity", "number", ".status.equity"),
        col("Last Run", "string", ".status.lastRun.tradeDate"),
        col("Age", "date", ".metadata.creationTimestamp"),
    ]


def build_crd() -> dict[str, Any]:
    """The whole CRD object as a plain dict."""
    spec = object_schema(r.TradingStrategySpec)
    spec["description"] = "Desired state of one trading strategy."
    root = {
        "type": "object",
        "description": "One trading strategy, run on a schedule by the stratops operator.",
        "required": ["spec"],
        "x-kubernetes-validations": [
            {
                "rule": "self.metadata.name.size() <= 45",
                "message": "metadata.name must be at most 45 characters (children add -runner)",
            }
        ],
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
        "metadata": {"name": f"{r.PLURAL}.{r.GROUP}"},
        "spec": {
            "group": r.GROUP,
            "scope": "Namespaced",
            "names": {
                "kind": r.KIND,
                "listKind": f"{r.KIND}List",
                "plural": r.PLURAL,
                "singular": r.KIND.lower(),
                "shortNames": [r.SHORT_NAME],
                "categories": ["stratops"],
            },
            "versions": [
                {
                    "name": r.VERSION,
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
        "# Generated by `python -m stratops.core.crd` from stratops.core.resource"
        " and stratops.core.status. Do not edit.\n"
    )
    return header + yaml.safe_dump(build_crd(), sort_keys=False, width=100)


if __name__ == "__main__":
    sys.stdout.write(render_crd())
