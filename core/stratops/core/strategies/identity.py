"""A configuration's identity (its config hash), computed without the strategy's engine.

The operator keys backtest-on-change Jobs and rows by this hash for every
resource it reconciles; it must not load pandas or numpy to do so, so the
hash needs only the class name, the validated parameter model and the spec.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.parameters import StrategyParams


def config_hash(strategy_class: str, params: StrategyParams, spec: TradingStrategySpec) -> str:
    """sha256 of the canonical JSON of everything that changes the numbers.

    Class name, validated parameters (defaults filled in; the model's
    `unhashed` fields left out), spec.execution and spec.signalStart: two
    manifests with the same hash produce the same decisions and fills on the
    same data.
    """
    payload: dict[str, Any] = {
        "strategyClass": strategy_class,
        "parameters": params.model_dump(mode="json", exclude=set(params.unhashed)),
        "execution": spec.execution.model_dump(mode="json", by_alias=True),
        "signalStart": spec.signal_start.isoformat() if spec.signal_start else None,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
