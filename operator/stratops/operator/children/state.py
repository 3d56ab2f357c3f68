"""The state ConfigMap `<name>-state`: created once with the initial state, never overwritten.

The operator only creates it when absent; afterwards the runner owns `data`
(compare-and-swap on resourceVersion) and the operator owns only labels and,
under `stateRetention: Delete`, the owner reference. That split is why the
creation body and the ownership body are two builders.
"""

from __future__ import annotations

import json
from typing import Any

from stratops.core.contract import STATE_KEY
from stratops.core.resource import TradingStrategySpec
from stratops.operator.children.common import (
    COMPONENT_STATE,
    JsonDict,
    Owner,
    child_metadata,
    state_name,
)

STATE_SCHEMA_VERSION = 1


def initial_state(spec: TradingStrategySpec) -> dict[str, Any]:
    """A strategy that has not traded yet: all cash, no positions, no regime.

    Keys follow the legacy `state.json` (so migrated ConfigMaps look alike),
    plus `schema_version` and `strategy_id` so a runner can refuse a foreign state.
    """
    return {
        "schema_version": STATE_SCHEMA_VERSION,
        "strategy_id": spec.strategy_id,
        "last_run": None,
        "trade_date": None,
        "vol_state": None,
        "trend_state": None,
        "current_positions": {},
        "cash": spec.initial_capital,
        "account_equity": spec.initial_capital,
        "last_allocation": {},
        "initial_qqq_price": None,
    }


def state_ownership(owner: Owner, spec: TradingStrategySpec) -> JsonDict:
    """What the operator applies to an existing state ConfigMap: labels and maybe an owner."""
    owned = spec.state_retention == "Delete"
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": child_metadata(owner, state_name(owner.name), COMPONENT_STATE, owned=owned),
    }


def build_state_configmap(owner: Owner, spec: TradingStrategySpec) -> JsonDict:
    """The ConfigMap as first created: ownership plus the initial state document."""
    body = state_ownership(owner, spec)
    body["data"] = {STATE_KEY: json.dumps(initial_state(spec), indent=2, sort_keys=True)}
    return body
