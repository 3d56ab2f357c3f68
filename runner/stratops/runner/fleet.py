"""The strategies `run-all` runs: the active manifests of a folder, primary first.

A manifest file that is not a valid TradingStrategy is reported and skipped,
never allowed to stop the others; if its YAML claims `primary: true` it still
counts as a failed primary, so a broken primary manifest cannot go unnoticed.
Two active manifests claiming primary, or two with the same strategyId, are
refused outright: which one is primary must never be a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stratops.core.errors import UserError
from stratops.core.manifests import load_documents, load_strategies, manifest_files
from stratops.core.resource import TradingStrategy


@dataclass(frozen=True)
class BrokenManifest:
    """A file that could not be read as TradingStrategy manifests."""

    file: str
    message: str
    claims_primary: bool


@dataclass(frozen=True)
class Fleet:
    """All manifests read, the active ones in run order (primary first), and the broken files."""

    manifests: tuple[TradingStrategy, ...]
    active: tuple[TradingStrategy, ...]
    primary: str | None
    broken: tuple[BrokenManifest, ...]


def load_fleet(directory: Path) -> Fleet:
    """Read every manifest of `directory`; refuse conflicting primaries and duplicate ids."""
    if not directory.is_dir():
        raise UserError(f"{directory}: not a directory")
    manifests: list[TradingStrategy] = []
    broken: list[BrokenManifest] = []
    for path in manifest_files(directory):
        try:
            manifests += load_strategies(path)
        except UserError as exc:
            broken.append(BrokenManifest(path.name, str(exc), _claims_primary(path)))
    _refuse_duplicates(manifests)
    active = [m for m in manifests if m.spec.active]
    primaries = [m for m in active if m.spec.primary]
    if len(primaries) > 1:
        names = ", ".join(f"{m.spec.strategy_id} ({m.name})" for m in primaries)
        raise UserError(f"more than one active strategy claims primary: {names}; keep one")
    ordered = primaries + [m for m in active if not m.spec.primary]
    primary = primaries[0].spec.strategy_id if primaries else None
    return Fleet(tuple(manifests), tuple(ordered), primary, tuple(broken))


def _refuse_duplicates(manifests: list[TradingStrategy]) -> None:
    seen: dict[str, str] = {}
    for m in manifests:
        sid = m.spec.strategy_id
        if sid in seen:
            raise UserError(f"strategyId {sid} is declared twice ({seen[sid]}, {m.name})")
        seen[sid] = m.name


def _claims_primary(path: Path) -> bool:
    """Whether any YAML document of a broken file says `spec.primary: true`."""
    try:
        docs = load_documents(path)
    except UserError:
        return False
    return any(_spec(doc).get("primary") is True for doc in docs)


def _spec(doc: dict[str, Any]) -> dict[str, Any]:
    spec = doc.get("spec")
    return spec if isinstance(spec, dict) else {}
