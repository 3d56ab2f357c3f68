"""A legacy `state.json` (strategy spec §5.2) -> the runner's state document (schema 1).

Positions, equity, the remembered weights and the baseline price move over
as they are. Cash is not in state.json: the legacy engine read it from its
database's latest performance snapshot, so that is where it comes from here;
without a database it is known only for a portfolio holding no positions
(cash = equity). The runner adopts a migrated state (it has no `run_id`) as
long as the ledger holds no stratops run of the strategy.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

from stratops.migrations.legacy.model import JsonDict, LedgerFacts, Notes

SCHEMA_VERSION = 1  # stratops.runner.state.CURRENT_SCHEMA: the format the runner reads
EXCHANGE_TZ = ZoneInfo("America/New_York")
VOL_LABELS = {0: "Low", 1: "High"}
TRENDS = ("BullStrong", "Sideways", "BearStrong")
CELLS = {
    ("BullStrong", "Low"): 1,
    ("BullStrong", "High"): 2,
    ("Sideways", "Low"): 3,
    ("Sideways", "High"): 4,
    ("BearStrong", "Low"): 5,
    ("BearStrong", "High"): 6,
}
REQUIRED = ("last_run", "vol_state", "current_positions", "account_equity")
KNOWN = {*REQUIRED, "trend_state", "last_allocation", "metadata", "initial_qqq_price"}


def convert_state(
    strategy_id: str, doc: Any, notes: Notes, ledger: LedgerFacts | None
) -> tuple[JsonDict, JsonDict]:
    """(runner state document, legacy metadata to keep as annotations)."""
    if not isinstance(doc, dict):
        raise notes.error("", "expected a JSON object")
    for key in REQUIRED:
        if key not in doc:
            raise notes.error(key, "is required")
    last_run = _timestamp(doc["last_run"], notes)
    positions = _positions(doc["current_positions"], notes)
    equity = _number(doc["account_equity"], "account_equity", notes)
    trend, vol = _trend(doc.get("trend_state"), notes), _vol(doc["vol_state"], notes)
    state = {
        "schema_version": SCHEMA_VERSION,
        "strategy_id": strategy_id,
        "run_id": None,
        "last_run": _utc_text(last_run),
        "trade_date": _trade_date(last_run, ledger, notes),
        "cell": CELLS.get((trend, vol)) if trend and vol else None,
        "trend_state": trend,
        "vol_state": vol,
        "current_positions": dict(sorted(positions.items())),
        "cash": _cash(positions, equity, ledger, notes),
        "account_equity": equity,
        "last_allocation": _allocation(doc.get("last_allocation"), notes),
        "initial_qqq_price": _baseline(doc.get("initial_qqq_price"), notes),
    }
    for key in sorted(set(doc) - KNOWN):
        notes.add(key, f"unknown key, kept in an annotation only: {doc[key]!r}")
    return state, _metadata(strategy_id, doc, notes)


def _timestamp(value: Any, notes: Notes) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise notes.error("last_run", f"not an ISO-8601 time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _utc_text(moment: dt.datetime | None) -> str | None:
    """UTC, ending in Z: how the runner's state model writes its timestamps."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _positions(value: Any, notes: Notes) -> dict[str, int]:
    if not isinstance(value, dict):
        raise notes.error("current_positions", "expected a mapping of symbol to shares")
    for symbol, qty in value.items():
        if type(qty) is not int or qty < 0:
            raise notes.error(
                f"current_positions.{symbol}", f"expected whole shares >= 0, got {qty!r}"
            )
    return dict(value)


def _number(value: Any, key: str, notes: Notes) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0:
        raise notes.error(key, f"expected a finite number >= 0, got {value!r}")
    return float(value)


def _trend(value: Any, notes: Notes) -> str | None:
    if value is None or value in TRENDS:
        return value  # type: ignore[no-any-return]
    notes.add("trend_state", f"{value!r} is not {', '.join(TRENDS)}; stored as unknown (null)")
    return None


def _vol(value: Any, notes: Notes) -> str | None:
    if value in VOL_LABELS and not isinstance(value, bool):
        return VOL_LABELS[value]
    if value is not None:
        notes.add("vol_state", f"{value!r} means unknown; stored as null (informational only)")
    return None


def _trade_date(
    last_run: dt.datetime | None, ledger: LedgerFacts | None, notes: Notes
) -> str | None:
    """The last session the legacy engine traded: its latest snapshot's date, else last_run's
    date on the exchange clock."""
    if ledger is not None:
        return ledger.snapshot_date.isoformat()
    if last_run is None:
        return None
    day = last_run.astimezone(EXCHANGE_TZ).date()
    notes.add(
        "last_run", f"no database given: last trading day taken as {day} (last_run, New York)"
    )
    return day.isoformat()


def _cash(
    positions: dict[str, int], equity: float, ledger: LedgerFacts | None, notes: Notes
) -> float:
    if ledger is not None:
        _agree(positions, ledger, notes)
        if ledger.cash < 0:
            raise notes.error(
                "cash",
                f"the legacy ledger's cash is negative ({ledger.cash}); "
                "stratops trades long only, without margin",
            )
        return float(ledger.cash)
    if any(positions.values()):
        raise notes.error(
            "current_positions",
            "holds positions but state.json has no cash; "
            "pass --db URL of the legacy database (its latest snapshot has it)",
        )
    return equity


def _agree(positions: dict[str, int], ledger: LedgerFacts, notes: Notes) -> None:
    if ledger.positions is None:
        return
    mine = {s: q for s, q in positions.items() if q}
    theirs = {s: q for s, q in ledger.positions.items() if q}
    if mine != theirs:
        raise notes.error(
            "current_positions",
            f"{mine} but the legacy database's snapshot of "
            f"{ledger.snapshot_date} holds {theirs}; reconcile them first",
        )


def _allocation(value: Any, notes: Notes) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise notes.error("last_allocation", "expected a mapping of symbol to weight")
    weights = {}
    for symbol, weight in value.items():
        weights[symbol] = _number(weight, f"last_allocation.{symbol}", notes)
    cash = weights.pop("CASH", None)
    if cash is not None:
        notes.add(
            "last_allocation.CASH",
            f"{cash} not stored: the cash weight is what the other weights leave",
        )
    return dict(sorted(weights.items()))


def _baseline(value: Any, notes: Notes) -> float | None:
    if value is None:
        return None
    price = _number(value, "initial_qqq_price", notes)
    if price == 0:
        raise notes.error("initial_qqq_price", "must be a positive price or null")
    return price


def _metadata(strategy_id: str, doc: JsonDict, notes: Notes) -> JsonDict:
    meta = doc.get("metadata") or {}
    if not isinstance(meta, dict):
        raise notes.error("metadata", "expected a mapping")
    owner = meta.get("strategy_id", strategy_id)
    if owner != strategy_id:
        raise notes.error("metadata.strategy_id", f"{owner!r}, but this is {strategy_id!r}'s state")
    extra = {k: v for k, v in doc.items() if k not in KNOWN}
    return {**{k: v for k, v in meta.items() if k != "strategy_id"}, **extra}
