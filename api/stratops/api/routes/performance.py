"""`/api/performance` (one strategy's curve and metrics) and `/api/performance/compare`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import StringConstraints
from sqlalchemy.orm import Session

from stratops.api import queries, series
from stratops.api.compare import WINNER_RULE, compare
from stratops.api.context import (
    STRATEGY_ID_PATTERN,
    AppContext,
    Context,
    DbSession,
    require_known,
)
from stratops.api.overview import capital_of
from stratops.api.routes._params import EndDate, OptionalStrategyId, StartDate, check_range, invalid
from stratops.api.schemas import CompareResponse, ErrorMessage, PerformanceResponse

router = APIRouter(prefix="/api/performance", tags=["performance"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorMessage, "description": "Unknown strategy, or no primary."}
}
MAX_COMPARED = 20

CompareIds = Annotated[
    list[Annotated[str, StringConstraints(pattern=STRATEGY_ID_PATTERN)]],
    Query(
        min_length=2,
        max_length=MAX_COMPARED,
        description="Two or more distinct strategy ids; differences are against the first.",
    ),
]


@router.get(
    "",
    response_model=PerformanceResponse,
    responses=NOT_FOUND,
    summary="One strategy's daily equity, drawdown, regime and metrics (default: the primary)",
)
def performance(
    context: Context,
    session: DbSession,
    strategy_id: OptionalStrategyId = None,
    start: StartDate = None,
    end: EndDate = None,
) -> PerformanceResponse:
    check_range(start, end)
    chosen = _strategy_or_primary(session, strategy_id)
    rows = queries.snapshots(session, [chosen], start, end)
    name = queries.configs(session).get(chosen)
    from_first_run = start is None or (
        bool(rows) and start <= queries.snapshot_extent(session, chosen).first
    )
    return series.performance(
        chosen,
        name.display_name if name is not None else chosen,
        rows,
        context.settings.risk_free_rate,
        capital_of(name.spec) if name is not None and from_first_run else None,
    )


@router.get(
    "/compare",
    response_model=CompareResponse,
    responses=NOT_FOUND,
    summary="Compare strategies over the dates they all have",
    description=(
        "Metrics of every strategy over the dates on which all of them have a snapshot "
        "(each curve measured from its own value on the first common date), the QQQ "
        "baseline over the same dates, differences of every later strategy against the "
        "first id given (`differences` is the second minus the first, as in Appendix B), "
        "and `data_snapshot_mismatch` when the strategies ran on different market data on "
        "some common date. " + WINNER_RULE
    ),
)
async def performance_compare(
    context: Context,
    strategy_ids: CompareIds,
    include_series: Annotated[
        bool, Query(description="Also return the equity curves on the common dates.")
    ] = False,
) -> Response:
    """Async on purpose: a cached answer needs neither a worker thread nor the database;
    only a miss (or a stale ledger version) does its blocking work in the threadpool."""
    if len(set(strategy_ids)) != len(strategy_ids):
        raise invalid("strategy_ids", "strategy ids must be distinct", strategy_ids)
    key = (tuple(strategy_ids), include_series)
    version = context.ledger_version.fresh()
    if version is None:
        version = await run_in_threadpool(context.ledger_version.refresh)
    body = context.comparisons.get(key, version)
    if body is None:
        body = await run_in_threadpool(_comparison, context, strategy_ids, include_series)
        context.comparisons.put(key, version, body)
    return Response(content=body, media_type="application/json")


def _comparison(context: AppContext, strategy_ids: list[str], include_series: bool) -> bytes:
    """One session for the whole computation; never committed (closing rolls back)."""
    with Session(context.engine) as session:
        for sid in strategy_ids:
            require_known(session, sid)
        daily = series.daily_series(session, strategy_ids)
    result = compare(daily, context.settings.risk_free_rate, include_series)
    return CompareResponse(comparison=result).model_dump_json().encode()


def _strategy_or_primary(session: Session, strategy_id: str | None) -> str:
    if strategy_id is not None:
        require_known(session, strategy_id)
        return strategy_id
    primary = queries.primary_id(session)
    if primary is None:
        raise HTTPException(404, "no primary strategy is configured; pass strategy_id")
    return primary
