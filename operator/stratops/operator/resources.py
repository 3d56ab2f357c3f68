"""A TradingStrategy as the operator reasons about it, and the checks the CRD cannot make.

`View` is a frozen snapshot built from a watch body (kopf keeps one per
resource in its index), so decisions about the whole namespace are made on
plain values. `check_spec` applies the shared spec validation
(`stratops.core.spec_validation`, the same as `stratops validate` and the
runner): class, parameters, schedule and time zone; a failure names the
field, and no CronJob is ever applied with such a spec.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any

from stratops.core.contract import PRIMARY_CONFLICT
from stratops.core.election import Claim
from stratops.core.resource import API_VERSION, KIND, TradingStrategySpec
from stratops.core.spec_validation import check_spec as validate_spec
from stratops.operator.children import Owner

JsonDict = dict[str, Any]

REVISION_KEYS = (
    "stratops.dev/git-revision",
    "kustomize.toolkit.fluxcd.io/revision",
    "argocd.argoproj.io/revision",
    "argocd.argoproj.io/tracking-id",
)


@dataclass(frozen=True)
class Checked:
    """A spec and its strategy's symbols, or why it cannot run.

    `spec` is kept when only the strategy rejects it (unknown class, bad
    parameters): the state ConfigMap can still be created and an existing
    runner suspended. It is None only when the spec itself is malformed.
    """

    spec: TradingStrategySpec | None
    symbols: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class View:
    """The parts of one resource that reconciling a namespace needs."""

    name: str
    namespace: str
    uid: str
    generation: int | None
    raw_spec: JsonDict
    status: JsonDict = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    deleting: bool = False
    created: str = ""
    duplicate_of: str | None = None  # "namespace/name" of an older user of the strategyId

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> View:
        meta = body.get("metadata") or {}
        return cls(
            name=meta["name"],
            namespace=meta["namespace"],
            uid=meta["uid"],
            generation=meta.get("generation"),
            raw_spec=dict(body.get("spec") or {}),
            status=dict(body.get("status") or {}),
            annotations=dict(meta.get("annotations") or {}),
            labels=dict(meta.get("labels") or {}),
            deleting=bool(meta.get("deletionTimestamp")),
            created=str(meta.get("creationTimestamp") or ""),
        )

    @property
    def strategy_id(self) -> str:
        return str(self.raw_spec.get("strategyId", ""))

    @property
    def claims_primary(self) -> bool:
        return bool(self.raw_spec.get("primary", False))

    @property
    def active(self) -> bool:
        return bool(self.raw_spec.get("active", True))

    @cached_property
    def _claim(self) -> Claim:
        """Per view, once: every reconcile of the namespace consults every resource."""
        conditions = self.status.get("conditions") or []
        conflict: JsonDict = next((c for c in conditions if c.get("type") == PRIMARY_CONFLICT), {})
        message = conflict.get("message") if conflict.get("status") == "True" else None
        marked = bool(self.status.get("effectivePrimary"))
        return Claim(self.name, self.claims_primary, self.deleting, marked, message)

    def claim(self) -> Claim:
        """The resource for the election, with the verdict its status says it last had."""
        return self._claim

    def owner(self) -> Owner:
        return Owner(self.name, self.namespace, self.uid, self.strategy_id)

    def ref(self) -> JsonDict:
        """Enough of the body for kopf to post an event about it."""
        meta = {"name": self.name, "namespace": self.namespace, "uid": self.uid}
        return {"apiVersion": API_VERSION, "kind": KIND, "metadata": meta}

    def check(self) -> Checked:
        checked = self._checked_spec
        if self.duplicate_of is None:
            return checked
        message = (
            f"spec.strategyId: {self.strategy_id!r} is already used by {self.duplicate_of}; "
            "each strategy needs its own id (it keys every database row)"
        )
        return Checked(checked.spec, error=message)

    @cached_property
    def _checked_spec(self) -> Checked:
        """Per view, once: a reconcile consults every resource of the namespace."""
        return check_spec(json.dumps(self.raw_spec, sort_keys=True))

    def git_revision(self) -> str | None:
        return git_revision(self.annotations, self.labels)


@lru_cache(maxsize=2048)
def check_spec(spec_json: str) -> Checked:
    """Validate a spec (as canonical JSON, so results are cached per distinct spec)."""
    checked = validate_spec(json.loads(spec_json))
    if checked.ok:
        return Checked(checked.spec, symbols=checked.symbols)
    return Checked(checked.spec, error=checked.message())


def git_revision(annotations: Mapping[str, str], labels: Mapping[str, str]) -> str | None:
    """The git revision a GitOps tool (or CI) recorded on the resource, if any (≤ 64 chars)."""
    for key in REVISION_KEYS:
        value = annotations.get(key) or labels.get(key)
        if value:
            return value[:64]
    return None


def mark_duplicates(views: Iterable[View], everyone: Iterable[View]) -> list[View]:
    """`views` with `duplicate_of` set where an older resource has the same strategyId.

    The strategyId keys every database row, so two resources sharing one would
    mix their ledgers; the older one keeps it, the newer is put in Error.

    Every reconcile calls this over the whole fleet, so it is linear, and a view
    whose mark does not change is returned as it is (keeping its checked spec).
    """
    first: dict[str, tuple[tuple[str, str, str], View]] = {}
    for view in everyone:
        key = (view.created, view.namespace, view.name)
        held = first.get(view.strategy_id)
        if held is None or key < held[0]:
            first[view.strategy_id] = (key, view)
    result = []
    for view in views:
        owner = first[view.strategy_id][1] if view.strategy_id in first else None
        taken = owner is not None and owner.uid != view.uid
        other = f"{owner.namespace}/{owner.name}" if owner is not None and taken else None
        result.append(view if view.duplicate_of == other else replace(view, duplicate_of=other))
    return result
