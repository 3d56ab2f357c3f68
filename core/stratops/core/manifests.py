"""Reading TradingStrategy manifests from YAML files, with errors a user can act on."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from stratops.core.errors import UserError
from stratops.core.resource import KIND, TradingStrategy


def describe_validation_error(exc: ValidationError) -> list[str]:
    """One `field.path: message` line per problem, in the words of the manifest."""
    lines = []
    for err in exc.errors():
        path = ".".join(str(part) for part in err["loc"])
        lines.append(f"{path}: {_phrase(err)}")
    return lines


def _phrase(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    message = str(err["msg"])
    message = message.removeprefix("Value error, ")
    return message.replace("Input should be", "must be")


def load_documents(path: Path) -> list[dict[str, Any]]:
    """All YAML documents of a file that are mappings; a broken file is a UserError."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        docs = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise UserError(f"{path}: not valid YAML{where}") from exc
    for doc in docs:
        if not isinstance(doc, dict):
            raise UserError(f"{path}: expected a mapping at the top of each YAML document")
    return docs


def parse_strategy(doc: dict[str, Any], source: str) -> TradingStrategy:
    try:
        return TradingStrategy.model_validate(doc)
    except ValidationError as exc:
        raise ManifestError(source, describe_validation_error(exc)) from exc


class ManifestError(UserError):
    """A manifest that does not describe a valid TradingStrategy."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("; ".join(f"{source}: {p}" for p in problems))


def load_strategy(path: Path) -> TradingStrategy:
    """The single TradingStrategy in a manifest file."""
    strategies = load_strategies(path)
    if len(strategies) != 1:
        raise UserError(f"{path.name}: expected exactly one {KIND}, found {len(strategies)}")
    return strategies[0]


def load_strategies(path: Path) -> list[TradingStrategy]:
    """Every TradingStrategy in a file; other kinds are ignored."""
    docs = [d for d in load_documents(path) if d.get("kind") == KIND]
    return [parse_strategy(doc, path.name) for doc in docs]


def manifest_files(directory: Path) -> Iterable[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"})
