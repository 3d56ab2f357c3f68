"""What the legacy database knows that state.json does not: cash (and its positions).

Reads the latest stratops `performance_snapshots` row of each strategy: on a
legacy database adopted by `stratops db upgrade`, that is the latest paper
snapshot of the last trading day, whose cash the legacy engine would have
taken. The database is only read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from stratops.core.db import create_engine_for, describe
from stratops.core.errors import UserError
from stratops.migrations.legacy.model import LedgerFacts

LATEST = text(
    "SELECT snapshot_date, cash, total_equity, positions_json FROM performance_snapshots "
    "WHERE strategy_id = :sid ORDER BY snapshot_date DESC, id DESC LIMIT 1"
)


def latest_snapshots(url: str, strategy_ids: Iterable[str]) -> dict[str, LedgerFacts]:
    """Latest snapshot per strategy id; strategies without any row are absent."""
    engine = create_engine_for(url)
    found: dict[str, LedgerFacts] = {}
    try:
        with engine.connect() as connection:
            for sid in strategy_ids:
                row = connection.execute(LATEST, {"sid": sid}).first()
                if row is not None:
                    found[sid] = _facts(row)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        hint = (
            " (run `stratops db upgrade --db URL` first: it adopts the legacy database)"
            if "snapshot_date" in first or "strategy_id" in first
            else ""
        )
        raise UserError(f"legacy database {describe(url)}: {first}{hint}") from None
    finally:
        engine.dispose()
    return found


def _facts(row: Any) -> LedgerFacts:
    day = row.snapshot_date
    if isinstance(day, str):  # SQLite through a plain text() query
        day = dt.date.fromisoformat(day[:10])
    return LedgerFacts(
        snapshot_date=day,
        cash=float(row.cash),
        total_equity=float(row.total_equity),
        positions=parse_positions(row.positions_json),
    )


def parse_positions(raw: str | None) -> dict[str, int] | None:
    """`{S: qty}`, `{S: {quantity: ...}}` or `[{symbol, quantity}]`; None when unreadable."""
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return None
    if isinstance(data, list):
        data = {str(p.get("symbol")): p for p in data if isinstance(p, dict)}
    if not isinstance(data, dict):
        return None
    out: dict[str, int] = {}
    for symbol, value in data.items():
        qty = value.get("quantity") if isinstance(value, dict) else value
        if not isinstance(qty, int | float) or isinstance(qty, bool) or qty != int(qty):
            return None
        out[str(symbol)] = int(qty)
    return out
