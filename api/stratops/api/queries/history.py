"""Trades and stored backtests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stratops.api.pagination import Page
from stratops.api.queries.rows import AnyRow
from stratops.core.db import (
    BacktestRun,
    PerformanceSnapshot,
    Trade,
)

Snap = PerformanceSnapshot


def trade_count(session: Session, strategy_id: str) -> int:
    query = select(func.count()).select_from(Trade).where(Trade.strategy_id == strategy_id)
    return int(session.execute(query).scalar_one())


TRADE_COLUMNS = (
    Trade.id,
    Trade.strategy_id,
    Trade.trade_date,
    Trade.timestamp,
    Trade.symbol,
    Trade.action,
    Trade.quantity,
    Trade.price,
    Trade.value,
    Trade.commission,
    Trade.slippage,
    Trade.reason,
)
# Matches counted past the end of a page: enough for any pager, bounded at any ledger size.
TRADE_COUNT_BEYOND_PAGE = 10_000


def trades(
    session: Session,
    strategy_id: str | None,
    start: dt.date | None,
    end: dt.date | None,
    page: Page,
) -> tuple[Sequence[AnyRow], int, bool]:
    """One page of trades, newest first, how many match the filters (counted up to
    TRADE_COUNT_BEYOND_PAGE past the page) and whether that count is exact."""
    conditions = []
    if strategy_id is not None:
        conditions.append(Trade.strategy_id == strategy_id)
    if start is not None:
        conditions.append(Trade.trade_date >= start)
    if end is not None:
        conditions.append(Trade.trade_date <= end)
    cap = page.offset + page.limit + TRADE_COUNT_BEYOND_PAGE
    matches = select(Trade.id).where(*conditions).limit(cap + 1).subquery()
    total = select(func.count()).select_from(matches)
    query = select(*TRADE_COLUMNS).where(*conditions)
    if start is not None or end is not None:
        # The dates' own index finds the range, then its trades are sorted; left to
        # itself the planner may walk the timestamp index back from the newest trade,
        # through every trade after the range.
        matching = query.cte("matching").prefix_with("MATERIALIZED")
        ordered = select(*matching.c).order_by(matching.c.timestamp.desc(), matching.c.id.desc())
        rows = session.execute(ordered.limit(page.limit).offset(page.offset)).all()
    else:
        rows = session.execute(page.apply(query, Trade.timestamp.desc(), Trade.id.desc())).all()
    counted = int(session.execute(total).scalar_one())
    return rows, min(counted, cap), counted <= cap


def backtest_runs(session: Session, strategy_id: str | None = None) -> Sequence[AnyRow]:
    """Every stored backtest (or those of one strategy), newest first within each strategy."""
    query = select(
        BacktestRun.id,
        BacktestRun.strategy_id,
        BacktestRun.strategy_class,
        BacktestRun.start_date,
        BacktestRun.end_date,
        BacktestRun.synthetic,
        BacktestRun.created_at,
    ).order_by(BacktestRun.strategy_id, BacktestRun.created_at.desc(), BacktestRun.id.desc())
    if strategy_id is not None:
        query = query.where(BacktestRun.strategy_id == strategy_id)
    return session.execute(query).all()


def backtest_run(session: Session, backtest_id: int) -> AnyRow:
    query = select(BacktestRun.initial_capital, BacktestRun.metrics).where(
        BacktestRun.id == backtest_id
    )
    return session.execute(query).one()
