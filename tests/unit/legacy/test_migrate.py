"""Legacy registry, config and state -> manifests and state ConfigMaps (pure conversion)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stratops.core.manifests import load_strategy
from stratops.core.resource import TradingStrategy
from stratops.core.strategies.registry import build_strategy
from stratops.migrations.legacy import LegacyInputError, migrate
from stratops.migrations.legacy.convert import convert
from stratops.runner.state import parse_state

from .support import EXAMPLES, V35B_LEDGER, config_doc, registry_doc, sources, state_doc


def migrated(strategy_id: str, **kwargs: Any) -> Any:
    ledger = V35B_LEDGER if strategy_id == "v3_5b" else None
    return convert(sources(strategy_id, ledger=kwargs.pop("ledger", ledger), **kwargs), None)


def notes_of(migration: Any) -> dict[str, str]:
    return {n.key: n.message for n in migration.notes}


@pytest.mark.parametrize(("strategy_id", "example"), [("v3_5b", "v3-5b"), ("v3_5d", "v3-5d")])
def test_migrated_manifest_is_the_shipped_configuration(strategy_id: str, example: str) -> None:
    manifest = TradingStrategy.model_validate(migrated(strategy_id).manifest)
    shipped = load_strategy(EXAMPLES / f"{example}.yaml")
    assert manifest.name == shipped.name
    mine, theirs = build_strategy(manifest.spec), build_strategy(shipped.spec)
    assert mine.params_hash(manifest.spec) == theirs.params_hash(shipped.spec)
    for field in ("strategy_id", "display_name", "primary", "active", "schedule", "time_zone"):
        assert getattr(manifest.spec, field) == getattr(shipped.spec, field), field


def test_primary_and_secondary_come_from_the_registry() -> None:
    assert migrated("v3_5b").manifest["spec"]["primary"] is True
    assert migrated("v3_5d").manifest["spec"]["primary"] is False


def test_state_keeps_positions_equity_baseline_and_takes_cash_from_the_ledger() -> None:
    configmap = migrated("v3_5b").configmap
    assert configmap["metadata"]["name"] == "v3-5b-state"
    state = parse_state(configmap["data"]["state.json"], "test", "v3_5b")
    assert state.current_positions == {"QQQ": 13, "TQQQ": 38}
    assert state.account_equity == 10412.37
    assert state.cash == 812.45
    assert state.initial_qqq_price == 512.84
    assert state.last_allocation == {"QQQ": 0.8, "TQQQ": 0.2}
    assert str(state.trade_date) == "2026-01-16"
    assert (state.trend_state, state.vol_state, state.cell) == ("Sideways", "Low", 3)
    assert state.run_id is None  # adopted by the runner while the ledger has no run


def test_state_text_is_byte_for_byte_what_the_runner_writes() -> None:
    text = migrated("v3_5b").configmap["data"]["state.json"]
    assert parse_state(text, "test", "v3_5b").dumps() == text


def test_untraded_strategy_without_database_is_all_cash() -> None:
    state = parse_state(migrated("v3_5d").configmap["data"]["state.json"], "test", "v3_5d")
    assert state.cash == 10000.0
    assert state.current_positions == {}
    assert state.trade_date is None
    assert state.trend_state is None  # "Unknown" in the legacy file


def test_what_has_no_place_is_reported_and_kept_in_annotations() -> None:
    migration = migrated("v3_5b")
    notes = notes_of(migration)
    assert "execution.max_slippage_pct" in notes
    assert "state.backup_path" in notes
    assert "last_allocation.CASH" in notes
    assert "rebalancePolicy: drift" in notes["execution.rebalance_threshold_pct"]
    annotations = migration.manifest["metadata"]["annotations"]
    unmapped = json.loads(annotations["stratops.dev/legacy-unmapped"])
    assert unmapped == {
        "execution.max_slippage_pct": 0.5,
        "state.backup_enabled": True,
        "state.backup_path": "state/strategies/v3_5b/backups/",
    }
    legacy = json.loads(
        migration.configmap["metadata"]["annotations"]["stratops.dev/legacy-metadata"]
    )
    assert legacy == {"created_at": "2025-11-03T14:45:00Z", "version": "1.0"}


def test_unknown_parameter_is_reported_not_passed_to_the_strategy() -> None:
    config = config_doc("v3_5b")
    config["strategy"]["parameters"]["trend_lookback"] = 10
    migration = migrated("v3_5b", config=config)
    assert "trend_lookback" not in migration.manifest["spec"]["parameters"]
    assert "not a parameter" in notes_of(migration)["strategy.parameters.trend_lookback"]
    annotations = migration.manifest["metadata"]["annotations"]
    assert (
        json.loads(annotations["stratops.dev/legacy-unmapped"])[
            "strategy.parameters.trend_lookback"
        ]
        == 10
    )


@pytest.mark.parametrize(
    ("execution_time", "timing", "schedule"),
    [
        ("15min_after_open", "open", "45 9 * * 1-5"),
        ("open", "open", "45 9 * * 1-5"),
        ("close", "close", "30 16 * * 1-5"),
        ("15min_before_close", "close", "30 16 * * 1-5"),
    ],
)
def test_execution_time_becomes_timing_and_schedule(
    execution_time: str, timing: str, schedule: str
) -> None:
    config = config_doc("v3_5d")
    config["strategy"]["parameters"]["execution_time"] = execution_time
    config["execution"]["execution_time"] = execution_time
    spec = migrated("v3_5d", config=config).manifest["spec"]
    assert (spec["execution"]["timing"], spec["schedule"]) == (timing, schedule)


def test_namespace_is_written_into_both_objects() -> None:
    (migration,) = migrate([sources("v3_5d")], namespace="trading")
    assert migration.manifest["metadata"]["namespace"] == "trading"
    assert migration.configmap["metadata"]["namespace"] == "trading"


def broken(strategy_id: str, **kwargs: Any) -> LegacyInputError:
    with pytest.raises(LegacyInputError) as caught:
        migrated(strategy_id, **kwargs)
    return caught.value


def test_positions_without_cash_need_the_legacy_database() -> None:
    error = broken("v3_5b", ledger=None)
    assert (error.source, error.key) == ("v3_5b/state.json", "current_positions")
    assert "--db" in str(error)


def test_positions_that_disagree_with_the_ledger_are_refused() -> None:
    from dataclasses import replace

    error = broken("v3_5b", ledger=replace(V35B_LEDGER, positions={"QQQ": 14, "TQQQ": 38}))
    assert error.key == "current_positions"
    assert "reconcile" in str(error)


@pytest.mark.parametrize(
    ("change", "source", "key"),
    [
        (lambda s, c, r: s["current_positions"].update(TQQQ="38"), "v3_5b/state.json",
         "current_positions.TQQQ"),
        (lambda s, c, r: s.pop("vol_state"), "v3_5b/state.json", "vol_state"),
        (lambda s, c, r: s.update(account_equity=-1), "v3_5b/state.json", "account_equity"),
        (lambda s, c, r: s.update(last_run="yesterday"), "v3_5b/state.json", "last_run"),
        (lambda s, c, r: c["strategy"].update(name="Other"), "v3_5b.yaml", "strategy.name"),
        (lambda s, c, r: c.update(strategy_id="v9"), "v3_5b.yaml", "strategy_id"),
        (lambda s, c, r: c["strategy"]["parameters"].update(sma_fast="forty"), "v3_5b.yaml",
         "strategy.parameters"),
        (lambda s, c, r: c["execution"].update(execution_time="noon"), "v3_5b.yaml",
         "execution.execution_time"),
        (lambda s, c, r: r["strategies"]["v3_5d"].update(is_primary=True),
         "strategies_registry.yaml", "strategies"),
        (lambda s, c, r: r["strategies"]["v3_5b"].update(strategy_class="Nope"),
         "strategies_registry.yaml", "strategies.v3_5b.strategy_class"),
        (lambda s, c, r: r["strategies"]["v3_5b"].update(paper_trading=False),
         "strategies_registry.yaml", "strategies.v3_5b.paper_trading"),
    ],
)  # fmt: skip
def test_broken_input_names_the_file_and_the_key(change: Any, source: str, key: str) -> None:
    state, config, registry = state_doc("v3_5b"), config_doc("v3_5b"), registry_doc()
    change(state, config, registry)
    error = broken("v3_5b", state=state, config=config, registry=registry)
    assert (error.source, error.key) == (source, key)
    assert str(error).startswith(f"{source}: {key}: ")
