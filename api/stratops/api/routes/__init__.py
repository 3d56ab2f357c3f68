"""The API's routers, one module per resource; `ROUTERS` is the order they are mounted in."""

from __future__ import annotations

from fastapi import APIRouter

from stratops.api.routes import (
    backtest,
    backtest_compare,
    dashboard,
    overview,
    performance,
    probes,
    round_trips,
    status,
    strategies,
    trades,
)

ROUTERS: tuple[APIRouter, ...] = (
    strategies.router,
    performance.router,
    backtest.router,
    backtest_compare.router,
    overview.router,
    round_trips.router,
    status.router,
    trades.router,
    probes.router,
    dashboard.router,
)
