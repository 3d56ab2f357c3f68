"""`/api/status/strategies`: is every strategy running on schedule?"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from stratops.api import views
from stratops.api.context import Context, DbSession
from stratops.api.missed import lateness_by_strategy
from stratops.api.queries.runs import schedules
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
def strategies_status(context: Context, session: DbSession) -> StatusResponse:
    now = context.clock()
    grace = dt.timedelta(minutes=context.settings.missed_run_grace_minutes)
    ledger = views.Ledger(session)
    late = lateness_by_strategy(schedules(session), now, grace)
    return StatusResponse(
        checked_at=now,
        strategies={sid: ledger.status(sid, late.get(sid)) for sid in ledger.ids},
    )
