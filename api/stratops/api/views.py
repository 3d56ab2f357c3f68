"""Turn query rows into response models: the strategy list, detail, state and status.

Kept apart from the routes so each route reads as "query, then build", and
apart from the queries so the SQL never knows about the response shapes.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from stratops.api import health, queries
from stratops.api.missed import Lateness
from stratops.api.pagination import Page
from stratops.api.queries import AnyRow
from stratops.api.schemas import (
    Position,
    StrategyDetail,
    StrategyState,
    StrategyStatus,
    StrategyStatusName,
    StrategySummary,
)


class Ledger:
    """Configuration, latest run and latest failure of the strategies asked for, read in
    one statement (`queries.overview`), primary first then by id: the order the runner
    executes them in."""

    def __init__(
        self, session: Session, strategy_id: str | None = None, page: Page | None = None
    ) -> None:
        self.rows = {row.strategy_id: row for row in queries.overview(session, strategy_id, page)}
        self.ids = list(self.rows)

    def facts(self, strategy_id: str) -> health.RunFacts:
        row = self.rows[strategy_id]
        failed = row.failure_at is not None
        return health.RunFacts(
            is_active=_configured(row, row.is_active, True),
            last_trade_date=row.run_trade_date,
            last_finished_at=row.run_finished_at,
            failure_trade_date=row.failure_trade_date,
            failure_at=row.failure_at,
            failure_message=row.failure_message or row.failure_reason if failed else None,
        )

    def status_name(self, strategy_id: str) -> StrategyStatusName:
        facts = self.facts(strategy_id)
        if not facts.is_active:
            return "suspended"
        if health.last_attempt_failed(facts):
            return "failing"
        return "running" if facts.last_trade_date is not None else "pending"

    def summary(self, strategy_id: str) -> StrategySummary:
        row = self.rows[strategy_id]
        return StrategySummary(
            id=strategy_id,
            display_name=_configured(row, row.display_name, strategy_id),
            strategy_class=row.strategy_class,
            is_primary=_configured(row, row.is_primary, False),
            is_active=_configured(row, row.is_active, True),
            status=self.status_name(strategy_id),
            last_run=row.run_finished_at,
            last_trade_date=row.run_trade_date,
            current_equity=row.run_equity,
        )

    def status(self, strategy_id: str, lateness: Lateness | None) -> StrategyStatus:
        """Health by the missed-run rule: `lateness` is the strategy's (None: not scheduled)."""
        row = self.rows[strategy_id]
        facts = self.facts(strategy_id)
        late = lateness or Lateness()
        verdict, message = health.judge(facts, late.missed)
        return StrategyStatus(
            state=self.status_name(strategy_id),
            is_primary=_configured(row, row.is_primary, False),
            health=verdict,
            message=message,
            last_run=facts.last_finished_at,
            last_trade_date=facts.last_trade_date,
            result="failed" if verdict == "failing" else row.run_result,
            equity=row.run_equity,
            expected_session=late.expected,
            missed=late.missed if facts.is_active else [],
        )

    def schedules(self) -> list[AnyRow]:
        """The configured strategies among these, as missed-run detection reads them
        (`strategy_id`, `is_active`, `is_primary`, `spec`, `created_at`, `latest`)."""
        return [row for row in self.rows.values() if row.config_id is not None]


def total(session: Session, ledger: Ledger, page: Page) -> int:
    """How many strategies exist across all pages: counted with the page itself, unless
    the page is past the end."""
    if ledger.rows:
        return int(next(iter(ledger.rows.values())).known_total)
    return queries.known_count(session) if page.offset else 0


def _configured(row: AnyRow, value: Any, default: Any) -> Any:
    """`value` from the configuration row, `default` for a strategy known only from the ledger."""
    if row.config_id is None:
        return default
    return bool(value) if isinstance(default, bool) else value


def detail(session: Session, ledger: Ledger, strategy_id: str) -> StrategyDetail:
    row = ledger.rows[strategy_id]
    extent = queries.snapshot_extent(session, strategy_id)
    return StrategyDetail(
        **ledger.summary(strategy_id).model_dump(),
        parameters=queries.parameters(session, strategy_id),
        spec=dict(_configured(row, row.spec, None) or {}),
        generation=row.generation,
        params_hash=row.run_params_hash,
        first_snapshot_date=extent.first,
        last_snapshot_date=extent.last,
        snapshot_count=int(extent.n),
        trade_count=queries.trade_count(session, strategy_id),
    )


def state(session: Session, strategy_id: str) -> StrategyState:
    run = queries.latest_run(session, strategy_id)
    snapshot = queries.latest_snapshot(session, strategy_id)
    stored: dict[str, Any] = dict(run.state or {}) if run is not None else {}
    return StrategyState(
        strategy_id=strategy_id,
        as_of=run.trade_date if run is not None else None,
        last_run=run.finished_at if run is not None else None,
        result=run.result if run is not None else None,
        equity=run.equity if run is not None else _attr(snapshot, "total_equity"),
        cash=run.cash if run is not None else _attr(snapshot, "cash"),
        positions=positions(_held(stored), _attr(snapshot, "positions_json")),
        cell=run.cell if run is not None else _attr(snapshot, "strategy_cell"),
        trend=run.trend if run is not None else None,
        vol=run.vol if run is not None else None,
        t_norm=_attr(snapshot, "t_norm"),
        z_score=_attr(snapshot, "z_score"),
        data_snapshot_id=run.data_snapshot_id if run is not None else None,
        params_hash=run.params_hash if run is not None else None,
        state=stored,
    )


def _held(stored: dict[str, Any]) -> Any:
    """Shares held: `current_positions` in the runner's state document (the legacy
    state.json layout), `positions` in a bare portfolio state."""
    return stored.get("current_positions", stored.get("positions"))


def _attr(row: AnyRow | None, name: str) -> Any:
    return getattr(row, name) if row is not None else None


Mark = tuple[float | None, float | None, float | None]


def positions(held: Any, snapshot_json: str | None) -> list[Position]:
    """Holdings from the state (`{symbol: shares}`), valued from the snapshot when it says how.

    Without a state (legacy rows) the snapshot's `positions_json` is the only
    source; it is read leniently because the legacy engine wrote several forms.
    """
    marks = _snapshot_positions(snapshot_json)
    if isinstance(held, dict) and held:
        return [
            Position(symbol=str(s), quantity=float(q), **_mark(marks.get(str(s))))
            for s, q in sorted(held.items())
            if isinstance(q, int | float) and q
        ]
    return [
        Position(symbol=s, quantity=q, **_mark((q, p, v)))
        for s, (q, p, v) in sorted(marks.items())
        if q is not None and q
    ]


def _mark(entry: tuple[float | None, float | None, float | None] | None) -> dict[str, Any]:
    return (
        {"price": None, "value": None} if entry is None else {"price": entry[1], "value": entry[2]}
    )


def _snapshot_positions(raw: str | None) -> dict[str, Mark]:
    """`{symbol: (quantity, price, value)}` from `{S: qty}`, `{S: {quantity, price, value}}`
    (what the runner writes) or a list of such objects."""
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return {}
    items: list[tuple[Any, Any]] = []
    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, list):
        items = [(d.get("symbol"), d) for d in data if isinstance(d, dict)]
    return {str(s): _quantity_price_value(v) for s, v in items if s is not None}


def _quantity_price_value(entry: Any) -> Mark:
    if isinstance(entry, int | float):
        return float(entry), None, None
    if isinstance(entry, dict):
        q = entry.get("quantity", entry.get("shares", entry.get("qty")))
        p = entry.get("price")
        v = entry.get("value", entry.get("market_value"))
        return _number(q), _number(p), _number(v)
    return None, None, None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
