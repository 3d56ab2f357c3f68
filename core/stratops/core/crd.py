"""The CustomResourceDefinitions, derived from the pydantic models: the one generator.

A kind's own parts (names, descriptions, spec model, status schema, printer
columns) are data, a `CrdKind`; `crd_object` builds every CRD alike from one,
so the two kinds cannot drift apart in what they share. TradingStrategy's spec
schema comes from `stratops.core.resource` and its status schema from
`stratops.core.status`; StrategySweep's kind is declared in
`stratops.core.research.crd`. Each file in crds/ is its module's output
(`python -m stratops.core.crd > crds/tradingstrategies.yaml`); a test fails
when a file and its model drift apart. Deriving the schema means a field's
type, default, bounds, enum and description are written once.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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


Column = tuple[str, str, str]  # a printer column: name, type, JSON path


@dataclass(frozen=True)
class CrdKind:
    """What one kind's CRD says of itself; the rest of the CRD is the same for every kind.

    `status` is a function so that building a kind stays cheap until it is rendered.
    """

    kind: str
    plural: str
    short_name: str
    description: str
    spec_model: type[BaseModel]
    spec_description: str
    status: Callable[[], dict[str, Any]]
    columns: Sequence[Column]
    module: str  # the module whose `python -m` renders the file
    sources: str  # what the file is generated from, as its header says
    validations: Sequence[dict[str, str]] = field(default_factory=tuple)


def crd_object(kind: CrdKind, group: str = r.GROUP, version: str = r.VERSION) -> dict[str, Any]:
    """The whole CRD object of `kind` as a plain dict."""
    spec = object_schema(kind.spec_model)
    spec["description"] = kind.spec_description
    root: dict[str, Any] = {
        "type": "object",
        "description": kind.description,
        "required": ["spec"],
    }
    if kind.validations:
        root["x-kubernetes-validations"] = [dict(rule) for rule in kind.validations]
    root["properties"] = {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": spec,
        "status": kind.status(),
    }
    columns = [{"name": n, "type": t, "jsonPath": path} for n, t, path in kind.columns]
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{kind.plural}.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {
                "kind": kind.kind,
                "listKind": f"{kind.kind}List",
                "plural": kind.plural,
                "singular": kind.kind.lower(),
                "shortNames": [kind.short_name],
                "categories": ["stratops"],
            },
            "versions": [
                {
                    "name": version,
                    "served": True,
                    "storage": True,
                    "subresources": {"status": {}},
                    "additionalPrinterColumns": columns,
                    "schema": {"openAPIV3Schema": root},
                }
            ],
        },
    }


def render(kind: CrdKind) -> str:
    """The file in crds/ for `kind`: a header naming its generator, then the YAML."""
    header = f"# Generated by `python -m {kind.module}` from {kind.sources}. Do not edit.\n"
    return header + yaml.safe_dump(crd_object(kind), sort_keys=False, width=100)


TRADING_STRATEGY = CrdKind(
    kind=r.KIND,
    plural=r.PLURAL,
    short_name=r.SHORT_NAME,
    description="One trading strategy, run on a schedule by the stratops operator.",
    spec_model=r.TradingStrategySpec,
    spec_description="Desired state of one trading strategy.",
    status=status_schema,
    columns=(
        ("Strategy ID", "string", ".spec.strategyId"),
        ("Class", "string", ".spec.strategyClass"),
        ("Primary", "boolean", ".status.effectivePrimary"),
        ("Active", "boolean", ".spec.active"),
        ("Phase", "string", ".status.phase"),
        ("Equity", "number", ".status.equity"),
        ("Last Run", "string", ".status.lastRun.tradeDate"),
        ("Backtest Sharpe", "number", ".status.backtest.sharpe"),
        ("Age", "date", ".metadata.creationTimestamp"),
    ),
    module="stratops.core.crd",
    sources="stratops.core.resource and stratops.core.status",
    validations=(
        {
            "rule": "self.metadata.name.size() <= 45",
            "message": "metadata.name must be at most 45 characters (children add -runner)",
        },
    ),
)


def build_crd() -> dict[str, Any]:
    """The TradingStrategy CRD as a plain dict."""
    return crd_object(TRADING_STRATEGY)


def render_crd() -> str:
    return render(TRADING_STRATEGY)


if __name__ == "__main__":
    sys.stdout.write(render_crd())
