"""`/api/backtest/strategies` and `/api/backtest/data`: stored backtests and legacy exports."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response
from sqlalchemy.orm import Session

from stratops.api import backtests, queries
from stratops.api.context import AppContext, Context, DbSession
from stratops.api.routes._params import EndDate, OptionalStrategyId, StartDate, check_range
from stratops.api.schemas import BacktestData, BacktestInfo, BacktestList, ErrorMessage

router = APIRouter(prefix="/api/backtest", tags=["backtest"])

StrategyClass = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9_.-]{1,100}$",
        description="A strategy class, e.g. `Hierarchical_Adaptive_v3_5b` (legacy exports).",
    ),
]
Source = Annotated[
    Literal["database", "csv"] | None,
    Query(description="Only this source; by default a stored run, else a CSV export."),
]


@router.get(
    "/strategies",
    response_model=BacktestList,
    summary="Strategies with backtest results (stored runs, then legacy CSV exports)",
)
def backtest_strategies(context: Context, session: DbSession) -> BacktestList:
    return BacktestList(strategies=all_infos(context, session))


@router.get(
    "/data",
    response_model=BacktestData,
    responses={404: {"model": ErrorMessage, "description": "No such backtest."}},
    summary="One backtest's equity curve, regimes and metrics (default: the primary's)",
    description=(
        "The newest stored backtest of the strategy, else its legacy `dashboard_<class>.csv` "
        "export. Metrics are recomputed from the rows with the same module the runner and "
        "the compare endpoint use; `reported` keeps the numbers stored with the backtest. "
        "`alpha` is the strategy's CAGR minus the baseline's, in percent points. The series "
        "comes as column arrays (`series.date[i]` goes with `series.portfolio_value[i]`). "
        "`start`/`end` restrict the window; metrics are then over that window."
    ),
)
def backtest_data(
    context: Context,
    session: DbSession,
    strategy_id: OptionalStrategyId = None,
    strategy_class: StrategyClass = None,
    source: Source = None,
    start: StartDate = None,
    end: EndDate = None,
) -> Response:
    check_range(start, end)
    if strategy_id is None and strategy_class is None:
        strategy_id = queries.primary_id(session)
        if strategy_id is None:
            raise HTTPException(404, "no primary strategy is configured; pass strategy_id")
    info = _newest_stored(session, strategy_id, strategy_class, source)
    if info is None:
        info = _choose(all_infos(context, session), strategy_id, strategy_class, source, context)
    # Serialised once here: FastAPI would validate the 4,000-session columns again.
    body = load(context, session, info, (start, end)).model_dump_json()
    return Response(content=body, media_type="application/json")


def _newest_stored(
    session: Session, strategy_id: str | None, strategy_class: str | None, source: str | None
) -> BacktestInfo | None:
    """The answer `_choose` would give from the stored runs, found by one index probe
    when a strategy id is asked for (the listing reads every run and configuration)."""
    if strategy_id is None or source == "csv":
        return None
    found = backtests.db_infos(queries.backtest_runs(session, strategy_id))
    if found and strategy_class in (None, found[0].strategy_class):
        return found[0]
    return None


def load(
    context: AppContext, session: Session, info: BacktestInfo, window: backtests.Window
) -> BacktestData:
    """The data of one listed backtest (stored run or CSV export)."""
    rf = context.settings.risk_free_rate
    if info.source == "database" and info.backtest_id is not None:
        run = queries.backtest_run(session, info.backtest_id)
        date, value, baseline, cell, trend, vol = queries.backtest_columns(
            session, info.backtest_id
        )
        # The stored baseline is QQQ bought and held with the same capital: the
        # export's BuyHold_Value column holds the same numbers.
        sessions = backtests.Sessions(date, value, baseline, baseline, cell, trend, vol)
        return backtests.from_database(info, run, sessions, rf, window)
    from stratops.api import backtest_csv  # pandas: only for legacy exports

    path = backtests.csv_files(context.settings.dashboards_dir).get(str(info.strategy_class))
    if path is None:  # removed since it was listed
        raise HTTPException(404, f"no CSV export for {info.strategy_class!r} any more")
    return backtest_csv.from_csv(info, backtest_csv.load_csv(path), rf, window)


def all_infos(context: AppContext, session: Session) -> list[BacktestInfo]:
    """Stored runs (newest per strategy) first, then the CSV exports."""
    stored = backtests.db_infos(queries.backtest_runs(session))
    files = backtests.csv_files(context.settings.dashboards_dir)
    if not files:
        return stored
    from stratops.api import backtest_csv  # pandas: only for legacy exports

    by_class = backtests.ids_by_class(queries.configs(session).values())
    return stored + backtest_csv.csv_infos(files, by_class)


def _choose(
    infos: list[BacktestInfo],
    strategy_id: str | None,
    strategy_class: str | None,
    source: str | None,
    context: AppContext,
) -> BacktestInfo:
    for info in infos:
        if source is not None and info.source != source:
            continue
        if strategy_id is not None and info.strategy_id != strategy_id:
            continue
        if strategy_class is not None and info.strategy_class != strategy_class:
            continue
        return info
    wanted = " ".join(
        f"{k}={v!r}"
        for k, v in (("strategy_id", strategy_id), ("strategy_class", strategy_class))
        if v is not None
    )
    raise HTTPException(404, f"no backtest for {wanted}{_where(source, context)}")


def _where(source: str | None, context: AppContext) -> str:
    """Which source was searched, so a miss says where to look."""
    if source == "database":
        return " among the stored runs (source=database)"
    if source == "csv":
        if context.settings.dashboards_dir is None:
            return (
                " among the CSV exports (source=csv): no dashboards folder is configured "
                "(STRATOPS_API_DASHBOARDS_DIR)"
            )
        return " among the CSV exports (source=csv, dashboard_<class>.csv files)"
    return " among the stored runs or the CSV exports"
