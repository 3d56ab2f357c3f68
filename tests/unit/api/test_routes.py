"""Route table rules: GET only, no static path shadowed by a `{param}` path, documented rules."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from stratops.api.compare import WINNER_RULE
from stratops.api.routes import ROUTERS

from ...api_paths import API_PATHS

EXPECTED_PATHS = set(API_PATHS)


def _path(route: BaseRoute) -> str:
    return str(getattr(route, "path", ""))


def test_documented_endpoints_exist(app: FastAPI) -> None:
    paths = set(app.openapi()["paths"])
    assert paths == EXPECTED_PATHS


def test_only_get_routes(app: FastAPI) -> None:
    methods = {m for route in app.routes for m in getattr(route, "methods", None) or ()}
    assert methods <= {"GET", "HEAD"}
    operations = {op for item in app.openapi()["paths"].values() for op in item}
    assert operations == {"get"}


def test_no_static_path_is_shadowed_by_a_parameter_path(app: FastAPI) -> None:
    """Dispatch every path without parameters and check the endpoint that served it."""
    declared = {
        route.path: route.endpoint
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
    }
    static = sorted(p for p in declared if "{" not in p)
    assert len(static) >= 9
    served = {path: _endpoint_serving(app, path) for path in static}
    assert served == {path: declared[path] for path in static}


def _endpoint_serving(app: FastAPI, path: str) -> Any:
    """The endpoint the app routes `path` to (the router records it in the request scope)."""
    scopes: list[dict[str, Any]] = []

    async def recorder(scope: Any, receive: Any, send: Any) -> None:
        scopes.append(scope)
        await app(scope, receive, send)

    async def request() -> None:
        transport = httpx.ASGITransport(app=recorder)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            await client.get(path)

    asyncio.run(request())
    return scopes[0].get("endpoint")


def test_compare_documents_the_winner_rule(app: FastAPI) -> None:
    operation = app.openapi()["paths"]["/api/performance/compare"]["get"]
    assert WINNER_RULE in operation["description"]
    assert "highest Sharpe" in WINNER_RULE
    assert "CAGR" in WINNER_RULE


def test_unknown_strategy_is_a_documented_404(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    for path in ("/api/strategies/{strategy_id}", "/api/performance", "/api/trades"):
        assert "404" in paths[path]["get"]["responses"], path


def test_strategy_ids_are_validated_by_pattern(app: FastAPI) -> None:
    params = app.openapi()["paths"]["/api/strategies/{strategy_id}"]["get"]["parameters"]
    assert params[0]["schema"]["pattern"] == "^[a-z0-9_]{1,50}$"
