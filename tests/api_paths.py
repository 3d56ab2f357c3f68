"""The read API's documented paths: its surface, pinned once for every test that checks it.

The unit tier checks the app declares exactly these; the database tier fuzzes
each of them from the OpenAPI schema. A new endpoint is added here, once.
"""

from __future__ import annotations

API_PATHS = (
    "/api/strategies",
    "/api/strategies/{strategy_id}",
    "/api/strategies/{strategy_id}/state",
    "/api/performance",
    "/api/performance/compare",
    "/api/backtest/strategies",
    "/api/backtest/data",
    "/api/backtest/compare",
    "/api/overview",
    "/api/round-trips",
    "/api/status/strategies",
    "/api/trades",
    "/api/sweeps",
    "/api/sweeps/{name}",
    "/api/backtests/configurations/{strategy_id}",
    "/healthz",
    "/readyz",
)
