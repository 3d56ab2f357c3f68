"""From legacy ledger rows to stratops ledger rows: pure rules, no database.

* A trading day is the New York date of a snapshot's instant: an evening
  refresh at 19:40 New York is already the next day in UTC but still the same
  trading day.
* A day's snapshot is its latest paper (`offline_mock`) snapshot, by instant
  then id; `online_live` rows are real orders and never enter the paper ledger.
* Cash may be NULL in the legacy table. It is then equity minus the positions'
  value when that is known; otherwise the last known cash carried forward,
  moved by the paper fills in between (cash only changes when shares trade).
* Money columns are NUMERIC(18, 6) there and floats here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from stratops.core.errors import UserError

EXCHANGE_TZ = ZoneInfo("America/New_York")
PAPER_MODE = "offline_mock"
ACTIONS = ("BUY", "SELL")
Row = dict[str, Any]


@dataclass(frozen=True)
class LegacyTrade:
    """One paper fill of `live_trades`, in the units of the stratops ledger."""

    id: int
    strategy_id: str
    instant: dt.datetime
    symbol: str
    action: str
    quantity: int
    price: float
    value: float
    target_price: float
    reason: str | None
    created_at: dt.datetime | None

    @property
    def cash_change(self) -> float:
        return -self.value if self.action == "BUY" else self.value


def instant(value: Any) -> dt.datetime:
    """A legacy timestamp as an aware UTC datetime (SQLite keeps UTC wall time, no offset)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def trading_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(EXCHANGE_TZ).date()


def number(value: Any) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)) if isinstance(value, str) else value)


def paper_trade(row: Row) -> LegacyTrade:
    """A `live_trades` row of paper mode; refuses an action stratops cannot record."""
    action = str(row["action"]).strip().upper()
    if action not in ACTIONS:
        raise UserError(
            f"live_trades id {row['id']}: action {row['action']!r} is not BUY or SELL; "
            "nothing was changed"
        )
    quantity = int(row["quantity"])
    target = number(row["target_price"])
    assert target is not None  # NOT NULL in the legacy schema
    price = number(row["fill_price"]) or target
    value = number(row["fill_value"])
    return LegacyTrade(
        id=int(row["id"]),
        strategy_id=str(row["strategy_id"]),
        instant=instant(row["timestamp"]),
        symbol=str(row["symbol"]),
        action=action,
        quantity=quantity,
        price=price,
        value=value if value is not None else abs(quantity) * price,
        target_price=target,
        reason=row["reason"],
        created_at=instant(row["created_at"]) if row["created_at"] is not None else None,
    )


def trade_rows(trades: Iterable[LegacyTrade]) -> list[Row]:
    """`trades` rows; slippage in dollars against the target price (positive = cost)."""
    rows = []
    for t in trades:
        adverse = t.price - t.target_price if t.action == "BUY" else t.target_price - t.price
        rows.append(
            {
                "strategy_id": t.strategy_id,
                "timestamp": t.instant,
                "trade_date": trading_day(t.instant),
                "symbol": t.symbol,
                "action": t.action,
                "quantity": t.quantity,
                "price": t.price,
                "value": t.value,
                "commission": None,
                "slippage": round(adverse * abs(t.quantity), 6),
                "strategy_name": None,
                "reason": t.reason,
                "mode": "paper",
                "created_at": t.created_at or t.instant,
            }
        )
    return rows


def daily_snapshots(snapshots: Sequence[Row], trades: Sequence[LegacyTrade]) -> list[Row]:
    """One `performance_snapshots` row per strategy and trading day, from paper rows only.

    `snapshots` must be one strategy's paper rows in (instant, id) order; cash
    is resolved over all of them, the day's latest one is kept.
    """
    days: dict[dt.date, Row] = {}
    known: tuple[dt.datetime, float] | None = None
    for row in snapshots:
        moment = instant(row["timestamp"])
        cash = _cash(row, moment, known, trades)
        known = (moment, cash)
        days[trading_day(moment)] = _snapshot_row(row, moment, cash)
    return [days[d] for d in sorted(days)]


def _cash(
    row: Row, moment: dt.datetime, known: tuple[dt.datetime, float] | None,
    trades: Sequence[LegacyTrade],
) -> float:  # fmt: skip
    equity, cash, held = (number(row[c]) for c in ("total_equity", "cash", "positions_value"))
    assert equity is not None  # NOT NULL in the legacy schema
    if cash is not None:
        return cash
    if held is not None:
        return round(equity - held, 6)
    if known is None:
        raise UserError(
            f"performance_snapshots id {row['id']} ({moment.isoformat()}): cash and "
            "positions_value are NULL and no earlier snapshot has them; nothing was changed"
        )
    since, carried = known
    moved = sum(t.cash_change for t in trades if since < t.instant <= moment)
    return round(carried + moved, 6)


def _snapshot_row(row: Row, moment: dt.datetime, cash: float) -> Row:
    equity = number(row["total_equity"])
    assert equity is not None
    held = number(row["positions_value"])
    created = row["created_at"]
    return {
        "strategy_id": row["strategy_id"],
        "snapshot_date": trading_day(moment),
        "timestamp": moment,
        "total_equity": equity,
        "cash": cash,
        "positions_value": held if held is not None else round(equity - cash, 6),
        **{c: number(row[c]) for c in ("daily_return", "cumulative_return", "drawdown")},
        "strategy_cell": row["strategy_cell"],
        "trend_state": row["trend_state"],
        "vol_state": row["vol_state"],
        **{c: number(row[c]) for c in ("t_norm", "z_score", "baseline_value", "baseline_return")},
        "positions_json": row["positions_json"],
        "mode": "paper",
        "created_at": instant(created) if created is not None else moment,
    }
