"""A legacy per-strategy config file (plan Appendix A) -> the parts of a TradingStrategy spec.

Mapped: `strategy.parameters` (and the `symbols` block, same names) into
`spec.parameters`; `execution_time` into `spec.execution.timing` and a
schedule; `rebalance_threshold` / `execution.rebalance_threshold_pct` into
`spec.execution`; `portfolio.initial_capital`. Everything else is collected in
`unmapped` (reported, and kept in an annotation by the caller).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from stratops.core.strategies.hierarchical_adaptive.params import TIMING_OF_EXECUTION_TIME
from stratops.migrations.legacy.model import JsonDict, Notes
from stratops.migrations.legacy.registry import Entry

# When the legacy scheduler ran, and when a stratops runner with the mapped timing runs:
# an `open` run needs the day's opening price, a `close` run the day's close.
SCHEDULE_OF_TIMING = {"open": "45 9 * * 1-5", "close": "30 16 * * 1-5"}
LEGACY_DEFAULT_EXECUTION_TIME = "close"  # the original strategy code's default (spec §6)
DEFAULT_CAPITAL = 10_000.0
KNOWN_TOP = {"strategy_id", "version", "strategy", "execution", "state", "symbols", "portfolio"}


@dataclass
class SpecParts:
    parameters: JsonDict = field(default_factory=dict)
    execution: JsonDict = field(default_factory=dict)
    schedule: str = SCHEDULE_OF_TIMING["close"]
    initial_capital: float = DEFAULT_CAPITAL
    state_file: str | None = None
    unmapped: JsonDict = field(default_factory=dict)


def convert_config(entry: Entry, doc: Any, notes: Notes, allowed: Collection[str]) -> SpecParts:
    """`allowed`: the parameter names the strategy class accepts."""
    if not isinstance(doc, dict):
        raise notes.error("", "expected a mapping at the top")
    _check_identity(entry, doc, notes)
    parts = SpecParts()
    strategy = _mapping(doc, "strategy", notes)
    given = {**_mapping(strategy, "parameters", notes, "strategy."), **_symbols(doc, notes)}
    _timing(given.pop("execution_time", None), doc, parts, notes)
    if "rebalance_threshold" in given:
        parts.execution["rebalanceThreshold"] = given.pop("rebalance_threshold")
    _execution(doc, given, parts, notes)
    for name, value in given.items():
        if name in allowed:
            parts.parameters[name] = value
        else:
            parts.unmapped[f"strategy.parameters.{name}"] = value
            notes.add(f"strategy.parameters.{name}", f"not a parameter of {entry.strategy_class}")
    _state(doc, parts, notes)
    _capital(doc, parts, notes)
    for key in sorted(set(doc) - KNOWN_TOP):
        parts.unmapped[key] = doc[key]
        notes.add(key, "unknown key, not carried over")
    return parts


def _check_identity(entry: Entry, doc: JsonDict, notes: Notes) -> None:
    sid = doc.get("strategy_id", entry.strategy_id)
    if sid != entry.strategy_id:
        raise notes.error(
            "strategy_id", f"{sid!r} but the registry lists it as {entry.strategy_id!r}"
        )
    name = (doc.get("strategy") or {}).get("name", entry.strategy_class)
    if name != entry.strategy_class:
        raise notes.error(
            "strategy.name", f"{name!r} but the registry says {entry.strategy_class!r}"
        )
    if "version" in doc:
        notes.add("version", f"config version {doc['version']!r} kept as an annotation only")


def _mapping(doc: JsonDict, key: str, notes: Notes, prefix: str = "") -> JsonDict:
    value = doc.get(key) or {}
    if not isinstance(value, dict):
        raise notes.error(prefix + key, "expected a mapping")
    return dict(value)


def _symbols(doc: JsonDict, notes: Notes) -> JsonDict:
    """The `symbols` block uses the parameter names; it must agree with `strategy.parameters`."""
    symbols = _mapping(doc, "symbols", notes)
    params = (doc.get("strategy") or {}).get("parameters") or {}
    for name, value in symbols.items():
        if name in params and params[name] != value:
            raise notes.error(f"symbols.{name}", f"{value!r} contradicts strategy.parameters")
    return symbols


def _timing(value: Any, doc: JsonDict, parts: SpecParts, notes: Notes) -> None:
    execution = doc.get("execution") or {}
    other = execution.get("execution_time") if isinstance(execution, dict) else None
    if value is not None and other is not None and value != other:
        raise notes.error("execution.execution_time", f"{other!r} contradicts strategy.parameters")
    chosen = value or other
    if chosen is None:
        chosen = LEGACY_DEFAULT_EXECUTION_TIME
        notes.add("execution_time", "absent; the legacy default 'close' applies")
    if chosen not in TIMING_OF_EXECUTION_TIME:
        known = ", ".join(TIMING_OF_EXECUTION_TIME)
        raise notes.error("execution_time", f"{chosen!r} has no stratops timing (known: {known})")
    timing = TIMING_OF_EXECUTION_TIME[chosen]
    parts.execution["timing"] = timing
    parts.schedule = SCHEDULE_OF_TIMING[timing]
    notes.add(
        "execution_time",
        f"{chosen!r} -> timing {timing!r}, schedule {parts.schedule!r} (America/New_York)",
    )


def _execution(doc: JsonDict, given: JsonDict, parts: SpecParts, notes: Notes) -> None:
    execution = _mapping(doc, "execution", notes)
    execution.pop("execution_time", None)
    pct = execution.pop("rebalance_threshold_pct", given.pop("rebalance_threshold_pct", None))
    if pct is not None:
        parts.execution["rebalanceThresholdPct"] = pct
        notes.add(
            "execution.rebalance_threshold_pct",
            "the legacy live run resized any leg "
            f"{pct}% off target; set rebalancePolicy: drift to keep that rule "
            "(the manifest keeps the default target_change, as the shipped examples)",
        )
    for key, value in execution.items():
        parts.unmapped[f"execution.{key}"] = value
        notes.add(
            f"execution.{key}",
            "no stratops equivalent (costs are commissionPerShare "
            "and slippagePct, defaults 0.01 and 0.1); not carried over",
        )


def _state(doc: JsonDict, parts: SpecParts, notes: Notes) -> None:
    state = _mapping(doc, "state", notes)
    path = state.pop("file_path", None)
    parts.state_file = path if isinstance(path, str) else None
    for key, value in state.items():
        parts.unmapped[f"state.{key}"] = value
        notes.add(
            f"state.{key}",
            "not carried: the database ledger (strategy_runs) keeps "
            "every day's state, so file backups have no counterpart",
        )


def _capital(doc: JsonDict, parts: SpecParts, notes: Notes) -> None:
    portfolio = _mapping(doc, "portfolio", notes)
    capital = portfolio.pop("initial_capital", None)
    if capital is None:
        notes.add("portfolio.initial_capital", f"absent; {DEFAULT_CAPITAL:g} assumed")
    elif isinstance(capital, int | float) and not isinstance(capital, bool) and capital > 0:
        parts.initial_capital = float(capital)
    else:
        raise notes.error(
            "portfolio.initial_capital", f"expected a positive number, got {capital!r}"
        )
    for key, value in portfolio.items():
        parts.unmapped[f"portfolio.{key}"] = value
        notes.add(f"portfolio.{key}", "unknown key, not carried over")
