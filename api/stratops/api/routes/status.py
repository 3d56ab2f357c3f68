"""`/api/status/strategies`: is every strategy running on schedule?"""

from __future__ import annotations

from fastapi import APIRouter

from stratops.api import views
from stratops.api.context import Context, DbSession
from stratops.api.missed import lateness_by_strategy
from stratops.api.routes.strategies import StrategyPage
from stratops.api.schemas import StatusResponse

router = APIRouter(prefix="/api/status", tags=["status"])


@router.get(
    "/strategies",
    response_model=StatusResponse,
    summary="Per strategy: state, last run, result, equity and health (ok / stale / failing)",
    description=(
        "`failing`: the latest attempt failed. `stale`: `missed` is not empty, i.e. a "
        "scheduled NYSE session has no completed run the grace period after its scheduled "
        "time: the operator's RunsOnSchedule rule, the only lateness rule. Suspended "
        "strategies are never stale."
    ),
)
def strategies_status(context: Context, session: DbSession, page: StrategyPage) -> StatusResponse:
    now = context.clock()
    ledger = views.Ledger(session, page=page)
    late = lateness_by_strategy(ledger.schedules(), now, context.judge)
    return StatusResponse(
        checked_at=now,
        total=views.total(session, ledger, page),
        limit=page.limit,
        offset=page.offset,
        strategies={sid: ledger.status(sid, late.get(sid)) for sid in ledger.ids},
    )
