"""`/api/trades`: paper fills of one or all strategies, newest first, a page at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from stratops.api import queries
from stratops.api.context import DbSession, require_known
from stratops.api.pagination import Page, paging
from stratops.api.routes._params import EndDate, OptionalStrategyId, StartDate, check_range
from stratops.api.schemas import ErrorMessage, TradeList, TradeRow

router = APIRouter(prefix="/api/trades", tags=["trades"])
MAX_LIMIT = 1000


@router.get(
    "",
    response_model=TradeList,
    responses={404: {"model": ErrorMessage, "description": "Unknown strategy."}},
    summary="Trades, newest first (all strategies unless one is given)",
)
def list_trades(
    session: DbSession,
    page: Annotated[Page, Depends(paging(default=100, maximum=MAX_LIMIT))],
    strategy_id: OptionalStrategyId = None,
    start: StartDate = None,
    end: EndDate = None,
) -> TradeList:
    check_range(start, end)
    if strategy_id is not None:
        require_known(session, strategy_id)
    rows, total, exact = queries.trades(session, strategy_id, start, end, page)
    return TradeList(
        trades=[TradeRow.model_validate(row._asdict()) for row in rows],
        total=total,
        total_exact=exact,
        limit=page.limit,
        offset=page.offset,
    )
