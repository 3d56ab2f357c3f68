"""What the conversion passes around: notes, ledger facts, and the one error it raises."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stratops.core.errors import UserError

JsonDict = dict[str, Any]


class LegacyInputError(UserError):
    """A legacy file the migration cannot read as documented: names the file and the key."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        where = f"{source}: {key}: " if key else f"{source}: "
        super().__init__(where + problem)


@dataclass(frozen=True)
class Note:
    """Something the migration could not carry over as is, or decided on the user's behalf."""

    strategy_id: str
    source: str
    key: str
    message: str

    def line(self) -> str:
        return f"{self.strategy_id}: {self.source}: {self.key}: {self.message}"


@dataclass(frozen=True)
class LedgerFacts:
    """The legacy database's latest performance snapshot of one strategy.

    The legacy engine took cash from here (state.json has none) and positions
    from its database, with state.json only as a fallback.
    """

    snapshot_date: dt.date
    cash: float
    total_equity: float
    positions: Mapping[str, int] | None = None


@dataclass
class Notes:
    """Collects notes for one strategy and one source file."""

    strategy_id: str
    source: str
    items: list[Note] = field(default_factory=list)

    def add(self, key: str, message: str) -> None:
        self.items.append(Note(self.strategy_id, self.source, key, message))

    def error(self, key: str, problem: str) -> LegacyInputError:
        return LegacyInputError(self.source, key, problem)
