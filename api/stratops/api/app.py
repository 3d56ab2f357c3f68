"""`create_app(settings)`: the read-only FastAPI application and the dashboard it serves.

Everything is built here, at start-up, from the settings object: one engine
for the app (read-only connections), the comparison cache, the routers and
the static files. Importing this module builds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError

from stratops.api.context import AppContext, utc_now
from stratops.api.database import create_readonly_engine
from stratops.api.http_cache import LedgerETag, ResponseBodies
from stratops.api.prometheus import install_metrics
from stratops.api.routes import ROUTERS
from stratops.api.routes.dashboard import STATIC_DIR
from stratops.api.settings import ApiSettings
from stratops.core import __version__
from stratops.core.db import head_revision

GZIP_MINIMUM_BYTES = 1024
# Longest time a ledger change that the version cannot see stays hidden behind a 304.
ETAG_WINDOW_SECONDS = 300.0

DESCRIPTION = """
Read-only view of the stratops ledger: strategies, their state, daily
performance, comparisons on common dates, backtests, run health and trades.
Only GET routes exist; the service connects as a database user that can only
read. Returns and drawdowns are percent; Sharpe, Sortino and Calmar are plain
ratios. The dashboard is served at `/`.

Caching: every ledger-derived GET (all of `/api/` except `/api/status`) carries
a weak `ETag` that changes with the ledger and `Cache-Control: no-cache`;
send it back as `If-None-Match` to get `304 Not Modified` without a body.
Bodies of 1 KiB or more are gzip-compressed for clients that accept it. Lists
that grow take `limit` and `offset` and report `total`.
"""


def create_app(settings: ApiSettings, clock: Callable[[], dt.datetime] = utc_now) -> FastAPI:
    """The application for `settings`; `clock` is the time health checks judge against."""
    engine = create_readonly_engine(settings.db_url.get_secret_value())
    context = AppContext(
        settings=settings, engine=engine, head_revision=head_revision(), clock=clock
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="stratops read API",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        redoc_url=None,
        docs_url=None,  # served by routes.dashboard from local files
    )
    app.state.context = context
    # Outermost last: metrics see every answer, 304s included; gzip only runs for a body.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=6)
    app.add_middleware(
        LedgerETag,
        version=context.ledger_version,
        fingerprint=_fingerprint(settings),
        window_seconds=ETAG_WINDOW_SECONDS,
        bodies=ResponseBodies() if settings.cache_seconds > 0 else None,
    )
    install_metrics(app, engine, clock, context.judge)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(OperationalError, _database_unavailable)
    return app


def _fingerprint(settings: ApiSettings) -> str:
    """What else an answer depends on besides the ledger: the code and the settings."""
    return f"{__version__}|{settings.model_dump_json(exclude={'db_url'})}"


async def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    """A database that is down is a 503 with a reason, not a 500 with a traceback."""
    orig = getattr(exc, "orig", None) or exc
    reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return JSONResponse(status_code=503, content={"detail": f"database unavailable: {reason}"})
