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
    """Configuration, latest run and latest failure of every known strategy, read once."""

    def __init__(self, session: Session) -> None:
        self.configs = queries.configs(session)
        self.runs = queries.latest_runs(session)
        self.failures = queries.latest_failures(session)
        known = set(self.configs) | set(queries.known_ids(session))
        primary = {sid for sid, c in self.configs.items() if c.is_primary}
        # Primary first, then by id: the order the runner executes them in.
        self.ids = sorted(known, key=lambda sid: (sid not in primary, sid))

    def facts(self, strategy_id: str) -> health.RunFacts:
        config, run = self.configs.get(strategy_id), self.runs.get(strategy_id)
        failure = self.failures.get(strategy_id)
        return health.RunFacts(
            is_active=bool(config.is_active) if config is not None else True,
            last_trade_date=run.trade_date if run is not None else None,
            last_finished_at=run.finished_at if run is not None else None,
            failure_trade_date=failure.trade_date if failure is not None else None,
            failure_at=failure.created_at if failure is not None else None,
            failure_message=failure.message or failure.reason if failure is not None else None,
        )

    def status_name(self, strategy_id: str) -> StrategyStatusName:
        facts = self.facts(strategy_id)
        if not facts.is_active:
            return "suspended"
        if health.last_attempt_failed(facts):
            return "failing"
        return "running" if facts.last_trade_date is not None else "pending"

    def summary(self, strategy_id: str) -> StrategySummary:
        config, run = self.configs.get(strategy_id), self.runs.get(strategy_id)
        return StrategySummary(
            id=strategy_id,
            display_name=config.display_name if config is not None else strategy_id,
            strategy_class=config.strategy_class if config is not None else None,
            is_primary=bool(config.is_primary) if config is not None else False,
            is_active=bool(config.is_active) if config is not None else True,
            status=self.status_name(strategy_id),
            last_run=run.finished_at if run is not None else None,
            last_trade_date=run.trade_date if run is not None else None,
            current_equity=run.equity if run is not None else None,
        )

    def status(self, strategy_id: str, lateness: Lateness | None) -> StrategyStatus:
        """Health by the missed-run rule: `lateness` is the strategy's (None: not scheduled)."""
        config, run = self.configs.get(strategy_id), self.runs.get(strategy_id)
        facts = self.facts(strategy_id)
        late = lateness or Lateness()
        verdict, message = health.judge(facts, late.missed)
        return StrategyStatus(
            state=self.status_name(strategy_id),
            is_primary=bool(config.is_primary) if config is not None else False,
            health=verdict,
            message=message,
            last_run=facts.last_finished_at,
            last_trade_date=facts.last_trade_date,
            result="failed" if verdict == "failing" else (run.result if run is not None else None),
            equity=run.equity if run is not None else None,
            expected_session=late.expected,
            missed=late.missed if facts.is_active else [],
        )


def detail(session: Session, ledger: Ledger, strategy_id: str) -> StrategyDetail:
    config, run = ledger.configs.get(strategy_id), ledger.runs.get(strategy_id)
    extent = queries.snapshot_extent(session, strategy_id)
    return StrategyDetail(
        **ledger.summary(strategy_id).model_dump(),
        parameters=dict(config.parameters or {}) if config is not None else {},
        spec=dict(config.spec or {}) if config is not None else {},
        generation=config.generation if config is not None else None,
        params_hash=run.params_hash if run is not None else None,
        first_snapshot_date=extent.first,
        last_snapshot_date=extent.last,
        snapshot_count=int(extent.n),
        trade_count=queries.trade_count(session, strategy_id),
    )


def state(session: Session, strategy_id: str) -> StrategyState:
    run = queries.latest_runs(session).get(strategy_id)
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
