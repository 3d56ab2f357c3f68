"""The state document: strict validation, schema versions, the migration hook, stable bytes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from stratops.core.resource import TradingStrategySpec
from stratops.operator.children.state import initial_state
from stratops.runner import state as state_module
from stratops.runner.state import (
    InvalidStateError,
    StrategyState,
    migrate,
    parse_state,
    validate_document,
)


def _doc(**changes: Any) -> dict[str, Any]:
    doc = StrategyState.initial("v3_5b", 10000.0).document()
    doc.update(changes)
    return doc


def test_the_operator_seeded_state_is_accepted_as_is() -> None:
    """The ConfigMap the operator creates is the first state a cluster runner reads."""
    spec = TradingStrategySpec.model_validate(
        {"strategyId": "v3_5b", "strategyClass": "Hierarchical_Adaptive_v3_5b"}
    )
    state = parse_state(json.dumps(initial_state(spec)), "cm", "v3_5b")
    assert state == StrategyState.initial("v3_5b", 10000.0)


def test_initial_state_is_all_cash() -> None:
    portfolio = StrategyState.initial("v3_5b", 2500).portfolio()
    assert (portfolio.cash, dict(portfolio.positions), portfolio.last_trade_date) == (
        2500.0,
        {},
        None,
    )


def test_portfolio_drops_zero_positions_and_keeps_targets() -> None:
    state = validate_document(
        _doc(
            current_positions={"QQQ": 3, "TQQQ": 0},
            last_allocation={"QQQ": 1.0},
            trade_date="2025-10-01",
        ),
        "x",
        "v3_5b",
    )
    portfolio = state.portfolio()
    assert dict(portfolio.positions) == {"QQQ": 3}
    assert dict(portfolio.targets) == {"QQQ": 1.0}
    assert portfolio.last_trade_date == dt.date(2025, 10, 1)


def test_dumps_is_stable_and_round_trips() -> None:
    state = validate_document(
        _doc(cash=0.1 + 0.2, last_run="2025-10-01T13:45:00.5Z", run_id="r"), "x", "v3_5b"
    )
    text = state.dumps()
    again = parse_state(text, "x", "v3_5b")
    assert again == state
    assert again.dumps() == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps(_doc(cash="100")), "cash"),
        (json.dumps(_doc(current_positions={"QQQ": 1.5})), "current_positions.QQQ"),
        (json.dumps(_doc(current_positions={"QQQ": -1})), "non-negative"),
        (json.dumps(_doc(cash=-1.0)), "cash"),
        (json.dumps(_doc(surprise=1)), "surprise: is not a known field"),
        (json.dumps({k: v for k, v in _doc().items() if k != "cash"}), "cash: is required"),
        (json.dumps(_doc(schema_version=99)), "schema_version 99 is newer"),
        (json.dumps(_doc(schema_version=0)), "unknown schema_version 0"),
        (json.dumps(_doc(schema_version="1")), "schema_version is missing or not an integer"),
        (json.dumps({k: v for k, v in _doc().items() if k != "schema_version"}), "missing"),
        (json.dumps(_doc(strategy_id="v3_5d")), "belongs to strategy 'v3_5d'"),
    ],
)
def test_invalid_documents_are_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(InvalidStateError, match=problem) as caught:
        parse_state(text, "state.json", "v3_5b")
    assert caught.value.exit_code == 4
    assert caught.value.reason == "invalid_state"
    assert "left untouched" in str(caught.value)


def test_the_migration_hook_upgrades_old_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A future schema adds a step; an old document is brought forward before validation."""

    def from_zero(doc: dict[str, Any]) -> dict[str, Any]:
        upgraded = {k: v for k, v in doc.items() if k != "money"}
        return {**upgraded, "schema_version": 1, "cash": doc["money"]}

    monkeypatch.setitem(state_module.MIGRATIONS, 0, from_zero)
    old = _doc(schema_version=0)
    old["money"] = old.pop("cash")
    assert migrate(dict(old), "x")["cash"] == 10000.0
    assert validate_document(old, "x", "v3_5b") == StrategyState.initial("v3_5b", 10000.0)
