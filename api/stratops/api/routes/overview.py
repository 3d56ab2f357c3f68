"""`/api/overview`: what the home page's strategy cards show besides health."""

from __future__ import annotations

from fastapi import APIRouter

from stratops.api.context import DbSession
from stratops.api.overview import Overview, overview

router = APIRouter(prefix="/api/overview", tags=["overview"])


@router.get(
    "",
    response_model=Overview,
    summary="Per strategy: equity, return and drawdown from the initial capital, history extent",
    description=(
        "One aggregate over every strategy's snapshots. Returns and drawdowns are percent, "
        "measured from the resource's `initialCapital` when known. Health is served by "
        "`/api/status/strategies`. `synthetic` says whether the strategy's runs used a "
        "market-data snapshot that a stored backtest labels synthetic."
    ),
)
def get_overview(session: DbSession) -> Overview:
    return overview(session)
