"""`/api/backtest/compare`: the newest backtest of several strategies on their common dates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import StringConstraints

from stratops.api.backtest_compare import BacktestComparison, compare_backtests
from stratops.api.compare import WINNER_RULE
from stratops.api.context import STRATEGY_ID_PATTERN, Context, DbSession
from stratops.api.routes._params import invalid
from stratops.api.routes.backtest import all_infos, load
from stratops.api.schemas import ErrorMessage

router = APIRouter(prefix="/api/backtest", tags=["backtest"])
MAX_COMPARED = 20

BacktestIds = Annotated[
    list[Annotated[str, StringConstraints(pattern=STRATEGY_ID_PATTERN)]],
    Query(
        min_length=2,
        max_length=MAX_COMPARED,
        description="Two or more distinct strategy ids; differences are against the first.",
    ),
]


@router.get(
    "/compare",
    response_model=BacktestComparison,
    responses={404: {"model": ErrorMessage, "description": "A strategy has no backtest."}},
    summary="Backtests of several strategies over the sessions they all cover",
    description=(
        "Each strategy's newest stored backtest (else its CSV export), compared like "
        "`/api/performance/compare`: metrics over the common sessions, each curve from its "
        "own value on the first common session, differences against the first id, the "
        "curves (`comparison.series`), regime cells and sessions per cell on those dates. "
        + WINNER_RULE
    ),
)
def backtest_compare(
    context: Context, session: DbSession, strategy_ids: BacktestIds
) -> BacktestComparison:
    if len(set(strategy_ids)) != len(strategy_ids):
        raise invalid("strategy_ids", "strategy ids must be distinct", strategy_ids)
    infos = all_infos(context, session)
    chosen = []
    for sid in strategy_ids:
        info = next((i for i in infos if i.strategy_id == sid), None)
        if info is None:
            raise HTTPException(404, f"no backtest for strategy_id={sid!r}")
        chosen.append(load(context, session, info, None))
    return compare_backtests(strategy_ids, chosen, context.settings.risk_free_rate)
