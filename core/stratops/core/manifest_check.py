"""Checking manifest files the way the operator will judge them: one line per file or problem.

`stratops validate` is the GitOps gate, so it applies the shared spec
validation (`stratops.core.spec_validation`) to every TradingStrategy of
every file: what it calls ok, the operator schedules; what it refuses, the
operator would mark `Ready=False/InvalidSpec`. Lines read `FILE: PATH: RULE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from stratops.core.errors import UserError
from stratops.core.manifests import load_documents
from stratops.core.resource import KIND
from stratops.core.spec_validation import ManifestCheck, check_manifest


@dataclass(frozen=True)
class Line:
    """One line of the report and whether it reports success."""

    text: str
    ok: bool


def check_file(path: Path) -> list[Line]:
    """`FILE: ok: id (class)` for a good file, else one `FILE: PATH: RULE` per problem."""
    try:
        docs = [d for d in load_documents(path) if d.get("kind") == KIND]
    except UserError as exc:
        return [Line(str(exc), False)]
    if not docs:
        return [Line(f"{path.name}: no {KIND} found", False)]
    checks = [check_manifest(doc) for doc in docs]
    bad = [Line(f"{path.name}: {p}", False) for c in checks for p in c.problems]
    return bad or [Line(f"{path.name}: ok: {_names(checks)}", True)]


def check_files(paths: Sequence[Path]) -> list[Line]:
    return [line for path in paths for line in check_file(path)]


def _names(checks: list[ManifestCheck]) -> str:
    return ", ".join(
        f"{c.resource.spec.strategy_id} ({c.resource.spec.strategy_class})"
        for c in checks
        if c.resource is not None
    )
