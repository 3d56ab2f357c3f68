"""The legacy `strategies_registry.yaml` (plan Task 1.2): which strategies, which is primary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from stratops.core.resource import STRATEGY_ID_PATTERN
from stratops.migrations.legacy.model import LegacyInputError, Note, Notes

ENTRY_KEYS = {
    "display_name",
    "strategy_class",
    "config_file",
    "is_primary",
    "is_active",
    "paper_trading",
}
TOP_KEYS = {"version", "strategies", "execution_order"}


@dataclass(frozen=True)
class Entry:
    """One strategy of the registry."""

    strategy_id: str
    display_name: str | None
    strategy_class: str
    config_file: str
    primary: bool
    active: bool


def parse_registry(doc: Any, source: str) -> tuple[list[Entry], list[Note]]:
    """Entries in file order, and notes on what the registry says that stratops decides itself."""
    if not isinstance(doc, dict):
        raise LegacyInputError(source, "", "expected a mapping at the top")
    strategies = doc.get("strategies")
    if not isinstance(strategies, dict) or not strategies:
        raise LegacyInputError(source, "strategies", "expected a non-empty mapping of strategies")
    notes = Notes("*", source)
    for key in sorted(set(doc) - TOP_KEYS):
        notes.add(key, f"unknown top-level key, not carried over: {doc[key]!r}")
    entries = [_entry(sid, body, source, notes) for sid, body in strategies.items()]
    _check_primary(entries, source)
    _check_order(doc.get("execution_order"), entries, notes)
    return entries, notes.items


def _entry(strategy_id: Any, body: Any, source: str, notes: Notes) -> Entry:
    key = f"strategies.{strategy_id}"
    if not isinstance(strategy_id, str) or not re.fullmatch(STRATEGY_ID_PATTERN, strategy_id):
        raise LegacyInputError(source, key, "a strategy id must be 1-50 of a-z, 0-9 and _")
    if not isinstance(body, dict):
        raise LegacyInputError(source, key, "expected a mapping")
    for extra in sorted(set(body) - ENTRY_KEYS):
        notes.add(f"{key}.{extra}", f"unknown key, not carried over: {body[extra]!r}")
    if body.get("paper_trading", True) is not True:
        raise LegacyInputError(
            source, f"{key}.paper_trading", "stratops only paper-trades; refusing to migrate"
        )
    return Entry(
        strategy_id=strategy_id,
        display_name=_text(body, "display_name", key, source, required=False),
        strategy_class=_text(body, "strategy_class", key, source) or "",
        config_file=_text(body, "config_file", key, source) or "",
        primary=_flag(body, "is_primary", False, key, source),
        active=_flag(body, "is_active", True, key, source),
    )


def _text(
    body: dict[str, Any], name: str, key: str, source: str, required: bool = True
) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise LegacyInputError(source, f"{key}.{name}", "expected a non-empty string")
    return value.strip()


def _flag(body: dict[str, Any], name: str, default: bool, key: str, source: str) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise LegacyInputError(source, f"{key}.{name}", f"expected true or false, got {value!r}")
    return value


def _check_primary(entries: list[Entry], source: str) -> None:
    primaries = [e.strategy_id for e in entries if e.primary]
    if len(primaries) > 1:
        raise LegacyInputError(
            source, "strategies", f"more than one is_primary: true ({', '.join(primaries)})"
        )


def _check_order(order: Any, entries: list[Entry], notes: Notes) -> None:
    """The operator runs the primary first by itself; the order is checked, not carried."""
    if order is None:
        return
    ids = [e.strategy_id for e in entries]
    if not isinstance(order, list) or sorted(map(str, order)) != sorted(ids):
        raise notes.error("execution_order", f"must list each strategy once: {ids}")
    primary = next((e.strategy_id for e in entries if e.primary), None)
    if primary is not None and order[0] != primary:
        notes.add(
            "execution_order",
            f"lists {order[0]} first; stratops runs the primary "
            f"({primary}) first, then the others a few minutes later",
        )
    else:
        notes.add("execution_order", "not carried: the operator runs the primary first")
