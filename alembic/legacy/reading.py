"""Reading the legacy files: the registry, the config files it names, each state.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from stratops.migrations.legacy.convert import Sources
from stratops.migrations.legacy.model import LedgerFacts, LegacyInputError, Note
from stratops.migrations.legacy.registry import parse_registry


def read_yaml(path: Path) -> Any:
    text = _read(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise LegacyInputError(str(path), where, "not valid YAML") from None


def read_json(path: Path) -> Any:
    text = _read(path)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise LegacyInputError(
            str(path), f"line {getattr(exc, 'lineno', '?')}", "not valid JSON"
        ) from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LegacyInputError(str(path), "", f"cannot read: {exc.strerror}") from None


def resolve(relative: str, registry: Path) -> Path:
    """A path named in the registry: as given (the legacy project root is the working
    directory), else relative to the folder above the registry's `config/`."""
    given = Path(relative)
    if given.is_absolute() or given.exists():
        return given
    return registry.resolve().parent.parent / given


def gather(
    registry: Path, state_root: Path, ledger: dict[str, LedgerFacts] | None = None
) -> tuple[list[Sources], list[Note]]:
    """Every strategy's inputs, read; notes about the registry itself."""
    entries, notes = parse_registry(read_yaml(registry), str(registry))
    sources = []
    for entry in entries:
        config_path = resolve(entry.config_file, registry)
        state_path = state_root / entry.strategy_id / "state.json"
        sources.append(
            Sources(
                entry=entry,
                registry_source=str(registry),
                config=read_yaml(config_path),
                config_source=str(config_path),
                state=read_json(state_path),
                state_source=str(state_path),
                ledger=(ledger or {}).get(entry.strategy_id),
            )
        )
    return sources, notes


def strategy_ids(registry: Path) -> list[str]:
    entries, _ = parse_registry(read_yaml(registry), str(registry))
    return [e.strategy_id for e in entries]
