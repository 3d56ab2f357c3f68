"""The legacy fixture (fixture/README.md), read as documents the tests can alter."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from stratops.migrations.legacy import LedgerFacts
from stratops.migrations.legacy.convert import Sources
from stratops.migrations.legacy.registry import parse_registry

FIXTURE = Path(__file__).resolve().parent / "fixture"
REGISTRY = FIXTURE / "config" / "strategies_registry.yaml"
EXAMPLES = Path(__file__).resolve().parents[3] / "manifests" / "strategies"
# The legacy database's latest snapshot of v3_5b: what cash the engine had left.
V35B_LEDGER = LedgerFacts(
    snapshot_date=dt.date(2026, 1, 16),
    cash=812.45,
    total_equity=10412.37,
    positions={"QQQ": 13, "TQQQ": 38},
)


def registry_doc() -> Any:
    return yaml.safe_load(REGISTRY.read_text())


def config_doc(strategy_id: str) -> Any:
    return yaml.safe_load((FIXTURE / "config" / "strategies" / f"{strategy_id}.yaml").read_text())


def state_doc(strategy_id: str) -> Any:
    return json.loads((FIXTURE / "state" / "strategies" / strategy_id / "state.json").read_text())


def sources(
    strategy_id: str,
    config: Any = None,
    state: Any = None,
    ledger: LedgerFacts | None = None,
    registry: Any = None,
) -> Sources:
    entries, _ = parse_registry(registry or registry_doc(), "strategies_registry.yaml")
    entry = next(e for e in entries if e.strategy_id == strategy_id)
    return Sources(
        entry=entry,
        registry_source="strategies_registry.yaml",
        config=copy.deepcopy(config) if config is not None else config_doc(strategy_id),
        config_source=f"{strategy_id}.yaml",
        state=copy.deepcopy(state) if state is not None else state_doc(strategy_id),
        state_source=f"{strategy_id}/state.json",
        ledger=ledger,
    )
