"""`/api/round-trips`: realised P&L per closing fill and per round trip of one strategy."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from stratops.api.context import STRATEGY_ID_PATTERN, DbSession, require_known
from stratops.api.round_trips import RoundTrips, fills, round_trips
from stratops.api.schemas import ErrorMessage

router = APIRouter(prefix="/api/round-trips", tags=["trades"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorMessage, "description": "Unknown strategy."}
}


@router.get(
    "",
    response_model=RoundTrips,
    responses=NOT_FOUND,
    summary="Realised P&L of every closing fill and every round trip, at average cost",
    description=(
        "A sell realises its proceeds less its commission against the average cost (value "
        "plus commission) of the shares it closes. Slippage is inside the fill prices and "
        "is reported, not subtracted again."
    ),
)
def get_round_trips(
    session: DbSession,
    strategy_id: Annotated[str, Query(pattern=STRATEGY_ID_PATTERN, description="e.g. `v3_5b`")],
) -> RoundTrips:
    require_known(session, strategy_id)
    return round_trips(strategy_id, fills(session, strategy_id))
