"""One legacy strategy -> a validated TradingStrategy manifest and its state ConfigMap."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from stratops.core.errors import UserError
from stratops.core.manifests import describe_validation_error
from stratops.core.resource import API_VERSION, KIND, TradingStrategy
from stratops.core.strategies.registry import build_strategy, get_strategy
from stratops.migrations.legacy.config import SpecParts, convert_config
from stratops.migrations.legacy.model import JsonDict, LedgerFacts, LegacyInputError, Note, Notes
from stratops.migrations.legacy.registry import Entry
from stratops.migrations.legacy.state import convert_state

STATE_KEY = "state.json"  # the key the operator seeds and the runner reads
ANNOTATION = "stratops.dev/"


@dataclass(frozen=True)
class Sources:
    """Everything read for one strategy; `*_source` name the files in messages."""

    entry: Entry
    registry_source: str
    config: Any
    config_source: str
    state: Any
    state_source: str
    ledger: LedgerFacts | None = None


@dataclass(frozen=True)
class Migration:
    strategy_id: str
    manifest: JsonDict
    configmap: JsonDict
    notes: tuple[Note, ...]

    @property
    def name(self) -> str:
        return str(self.manifest["metadata"]["name"])


def migrate(sources: Sequence[Sources], namespace: str | None = None) -> list[Migration]:
    """Convert every strategy; the first broken input raises LegacyInputError."""
    return [convert(s, namespace) for s in sources]


def convert(src: Sources, namespace: str | None) -> Migration:
    entry = src.entry
    config_notes = Notes(entry.strategy_id, src.config_source)
    parts = convert_config(entry, src.config, config_notes, _parameter_names(src))
    state_notes = Notes(entry.strategy_id, src.state_source)
    state, legacy_meta = convert_state(entry.strategy_id, src.state, state_notes, src.ledger)
    manifest = _manifest(src, parts, namespace)
    _validate(manifest, src.config_source)
    configmap = _configmap(src, manifest["metadata"]["name"], state, legacy_meta, namespace)
    return Migration(
        entry.strategy_id, manifest, configmap, tuple(config_notes.items + state_notes.items)
    )


def _parameter_names(src: Sources) -> frozenset[str]:
    try:
        cls = get_strategy(src.entry.strategy_class)
    except UserError as exc:
        key = f"strategies.{src.entry.strategy_id}.strategy_class"
        raise LegacyInputError(src.registry_source, key, str(exc)) from None
    return frozenset(cls.params_model.model_fields)


def resource_name(strategy_id: str) -> str:
    """`v3_5b` -> `v3-5b`: the shipped examples' naming (underscores are not allowed)."""
    return strategy_id.replace("_", "-")


def _metadata(name: str, namespace: str | None, annotations: dict[str, str]) -> JsonDict:
    meta: JsonDict = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["annotations"] = annotations
    return meta


def _manifest(src: Sources, parts: SpecParts, namespace: str | None) -> JsonDict:
    entry = src.entry
    origin = f"{src.registry_source}#{entry.strategy_id}, {src.config_source}"
    annotations = {ANNOTATION + "migrated-from": origin}
    if parts.unmapped:
        annotations[ANNOTATION + "legacy-unmapped"] = json.dumps(parts.unmapped, sort_keys=True)
    version = src.config.get("version") if isinstance(src.config, dict) else None
    if version is not None:
        annotations[ANNOTATION + "legacy-config-version"] = str(version)
    spec: JsonDict = {
        "strategyId": entry.strategy_id,
        "strategyClass": entry.strategy_class,
        "primary": entry.primary,
        "active": entry.active,
        "mode": "paper",
        "schedule": parts.schedule,
        "timeZone": "America/New_York",
        "initialCapital": parts.initial_capital,
        "stateRetention": "Retain",
        "execution": parts.execution,
        "parameters": parts.parameters,
    }
    if entry.display_name:
        spec = {"strategyId": entry.strategy_id, "displayName": entry.display_name, **spec}
    name = resource_name(entry.strategy_id)
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": _metadata(name, namespace, annotations),
        "spec": spec,
    }


def _validate(manifest: JsonDict, source: str) -> None:
    """The resource model (what the CRD enforces) and the strategy class's own checks."""
    try:
        resource = TradingStrategy.model_validate(manifest)
    except ValidationError as exc:
        raise LegacyInputError(source, "", "; ".join(describe_validation_error(exc))) from None
    try:
        build_strategy(resource.spec)
    except UserError as exc:
        raise LegacyInputError(source, "strategy.parameters", str(exc)) from None


def _configmap(
    src: Sources, name: str, state: JsonDict, legacy: JsonDict, namespace: str | None
) -> JsonDict:
    annotations = {ANNOTATION + "migrated-from": src.state_source}
    if legacy:
        annotations[ANNOTATION + "legacy-metadata"] = json.dumps(legacy, sort_keys=True)
    meta = _metadata(f"{name}-state", namespace, annotations)
    meta["labels"] = {
        "app.kubernetes.io/name": "stratops",
        "app.kubernetes.io/component": "state",
        "stratops.dev/strategy": name,
        "stratops.dev/strategy-id": src.entry.strategy_id,
    }
    text = json.dumps(state, indent=2, sort_keys=True, allow_nan=False) + "\n"
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {STATE_KEY: text}}
