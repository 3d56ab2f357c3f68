"""The strategy state document: what a runner keeps between trading days.

Signals are replayed from the data every day, so the state holds only what
cannot be derived: cash, whole-share positions, the remembered target
weights, the last session traded and the baseline's reference price. The
same document lives in the state store (file or ConfigMap) and, as the
ledger copy, in `strategy_runs.state`.

The document carries `schema_version`. A document from an older version is
brought forward by the functions in `MIGRATIONS` (version n -> n+1) before it
is validated; a newer or unknown version is refused, never guessed at. The
keys follow the legacy `state.json` and the operator's initial state.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from stratops.core.broker import PortfolioState
from stratops.core.errors import UserError
from stratops.core.manifests import describe_validation_error

CURRENT_SCHEMA: Final = 1
EXIT_INVALID_STATE = 4

Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {}
"""Upgrade steps: `MIGRATIONS[n]` turns a version-n document into version n+1.

Empty while version 1 is the only one; a future schema adds its step here and
every stored state is upgraded on its next load (and written back in the new
version by that run).
"""


class InvalidStateError(UserError):
    """A stored state the runner refuses to use (and therefore never overwrites)."""

    exit_code = EXIT_INVALID_STATE

    def __init__(self, location: str, problem: str, reason: str = "invalid_state") -> None:
        super().__init__(f"{location}: {problem}; the state was left untouched")
        self.reason = reason


class StrategyState(BaseModel):
    """Version 1 of the state document (strict types: a wrong type is refused, not coerced)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    schema_version: Literal[1]
    strategy_id: str
    run_id: str | None = None
    last_run: dt.datetime | None = Field(default=None, strict=False)
    trade_date: dt.date | None = Field(default=None, strict=False)
    cell: int | None = None
    trend_state: str | None = None
    vol_state: str | None = None
    current_positions: dict[str, int]
    cash: float = Field(ge=0, allow_inf_nan=False)
    account_equity: float = Field(ge=0, allow_inf_nan=False)
    last_allocation: dict[str, float]
    initial_qqq_price: float | None = Field(default=None, gt=0, allow_inf_nan=False)

    @field_validator("current_positions")
    @classmethod
    def _whole_long_positions(cls, value: dict[str, int]) -> dict[str, int]:
        if any(q < 0 for q in value.values()):
            raise ValueError("positions must be non-negative whole share counts")
        return value

    @classmethod
    def initial(cls, strategy_id: str, capital: float) -> StrategyState:
        """A strategy that never traded: all cash (what the operator seeds a ConfigMap with)."""
        return cls(
            schema_version=CURRENT_SCHEMA,
            strategy_id=strategy_id,
            current_positions={},
            cash=float(capital),
            account_equity=float(capital),
            last_allocation={},
        )

    def portfolio(self) -> PortfolioState:
        """The engine's view: cash, non-zero positions, remembered targets, last session."""
        return PortfolioState(
            cash=self.cash,
            positions={s: q for s, q in self.current_positions.items() if q},
            targets=dict(self.last_allocation),
            last_trade_date=self.trade_date,
        )

    def document(self) -> dict[str, Any]:
        """Plain JSON types, as stored in the ledger."""
        return self.model_dump(mode="json")

    def dumps(self) -> str:
        """The stored text: sorted keys, so the same state always has the same bytes."""
        return json.dumps(self.document(), indent=2, sort_keys=True, allow_nan=False) + "\n"

    def same_day_as(self, other: StrategyState) -> bool:
        """Whether both record the same completed run (timestamps aside)."""
        return self.trade_date == other.trade_date and self.run_id == other.run_id


def check_holdings(state: StrategyState, priced: Collection[str], location: str) -> None:
    """Refuse a state holding shares of a symbol the market data does not cover.

    Nothing could price or sell such a position, so running on would make up
    its value; the state is left for a person to correct. (A symbol the
    strategy no longer trades but the data covers is fine: the run sells it.)
    """
    unknown = sorted(s for s, q in state.current_positions.items() if q and s not in priced)
    if unknown:
        raise InvalidStateError(
            location,
            f"holds {', '.join(unknown)}, which no market data covers "
            f"(it has {', '.join(sorted(priced)) or 'none'})",
        )


def parse_state(text: str, location: str, strategy_id: str) -> StrategyState:
    """Decode, migrate and validate a stored document; InvalidStateError says what is wrong."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise InvalidStateError(location, f"not valid JSON ({exc})") from None
    return validate_document(doc, location, strategy_id)


def validate_document(doc: Any, location: str, strategy_id: str) -> StrategyState:
    """Validate an already decoded document (a store's or the ledger's copy)."""
    if not isinstance(doc, dict):
        raise InvalidStateError(location, "expected a JSON object")
    try:
        state = StrategyState.model_validate(migrate(doc, location))
    except ValidationError as exc:
        raise InvalidStateError(location, "; ".join(describe_validation_error(exc))) from None
    if state.strategy_id != strategy_id:
        raise InvalidStateError(
            location, f"belongs to strategy {state.strategy_id!r}, not {strategy_id!r}"
        )
    return state


def migrate(doc: dict[str, Any], location: str) -> dict[str, Any]:
    """Apply the upgrade steps from the document's version to CURRENT_SCHEMA."""
    version = doc.get("schema_version")
    if type(version) is not int:
        raise InvalidStateError(location, "schema_version is missing or not an integer")
    if version > CURRENT_SCHEMA:
        raise InvalidStateError(
            location,
            f"schema_version {version} is newer than this runner understands ({CURRENT_SCHEMA})",
        )
    while version < CURRENT_SCHEMA:
        step = MIGRATIONS.get(version)
        if step is None:
            raise InvalidStateError(location, f"unknown schema_version {version}")
        doc = step(doc)
        version += 1
    return doc
