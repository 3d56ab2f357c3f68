"""`/api/strategies`: the list, one strategy's configuration, and its current state."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from stratops.api import views
from stratops.api.context import DbSession, StrategyIdPath, not_found, require_known
from stratops.api.schemas import ErrorMessage, StrategyDetail, StrategyList, StrategyState

router = APIRouter(prefix="/api/strategies", tags=["strategies"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorMessage, "description": "Unknown strategy."}
}


@router.get("", response_model=StrategyList, summary="All strategies, primary first")
def list_strategies(session: DbSession) -> StrategyList:
    """Every strategy with a configuration or ledger rows, with its latest run."""
    ledger = views.Ledger(session)
    return StrategyList(strategies=[ledger.summary(sid) for sid in ledger.ids])


@router.get(
    "/{strategy_id}",
    response_model=StrategyDetail,
    responses=NOT_FOUND,
    summary="One strategy's configuration and history extent",
)
def get_strategy(strategy_id: StrategyIdPath, session: DbSession) -> StrategyDetail:
    ledger = views.Ledger(session)
    if strategy_id not in ledger.ids:
        raise not_found(strategy_id)
    return views.detail(session, ledger, strategy_id)


@router.get(
    "/{strategy_id}/state",
    response_model=StrategyState,
    responses=NOT_FOUND,
    summary="What the strategy holds after its last completed run",
)
def get_state(strategy_id: StrategyIdPath, session: DbSession) -> StrategyState:
    """Positions, cash, equity and regime from the ledger copy of the state (the latest
    `strategy_runs` row); all null for a strategy that has not completed a run yet."""
    require_known(session, strategy_id)
    return views.state(session, strategy_id)
