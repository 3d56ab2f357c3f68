"""`/api/strategies`: the list, one strategy's configuration, and its current state."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from stratops.api import views
from stratops.api.context import DbSession, StrategyIdPath, require_known
from stratops.api.pagination import Page, paging
from stratops.api.schemas import ErrorMessage, StrategyDetail, StrategyList, StrategyState

router = APIRouter(prefix="/api/strategies", tags=["strategies"])
MAX_PAGE = 1000
StrategyPage = Annotated[Page, Depends(paging(default=MAX_PAGE, maximum=MAX_PAGE))]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorMessage, "description": "Unknown strategy."}
}


@router.get(
    "", response_model=StrategyList, summary="All strategies, primary first, a page at a time"
)
def list_strategies(session: DbSession, page: StrategyPage) -> StrategyList:
    """Every strategy with a configuration or ledger rows, with its latest run: primary
    first, then by id."""
    ledger = views.Ledger(session, page=page)
    return StrategyList(
        strategies=[ledger.summary(sid) for sid in ledger.ids],
        total=views.total(session, ledger, page),
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/{strategy_id}",
    response_model=StrategyDetail,
    responses=NOT_FOUND,
    summary="One strategy's configuration and history extent",
)
def get_strategy(strategy_id: StrategyIdPath, session: DbSession) -> StrategyDetail:
    require_known(session, strategy_id)
    ledger = views.Ledger(session, strategy_id)
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
