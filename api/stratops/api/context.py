"""What every request may use: the settings, the one engine, the cache, the clock.

Built once by `create_app` and kept on `app.state`; routes reach it through
the dependencies below, so a test can swap the clock without patching.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from stratops.api import queries
from stratops.api.cache import MemoizedVersion, Version, VersionedCache
from stratops.api.missed import Judge
from stratops.api.settings import ApiSettings

STRATEGY_ID_PATTERN = r"^[a-z0-9_]{1,50}$"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class AppContext:
    settings: ApiSettings
    engine: Engine
    head_revision: str
    clock: Callable[[], dt.datetime] = utc_now
    comparisons: VersionedCache[bytes] = field(init=False)
    ledger_version: MemoizedVersion = field(init=False)

    def __post_init__(self) -> None:
        self.comparisons = VersionedCache(self.settings.cache_seconds)
        self.ledger_version = MemoizedVersion(
            self._read_ledger_version, min(1.0, self.settings.cache_seconds)
        )

    @property
    def judge(self) -> Judge:
        """The lateness rule's parameters, the operator's values."""
        return Judge(
            grace=dt.timedelta(minutes=self.settings.missed_run_grace_minutes),
            secondary_offset_minutes=self.settings.secondary_offset_minutes,
        )

    def _read_ledger_version(self) -> Version:
        """The ledger's version and that of the exported backtest files the backtest
        routes also read (the folder's mtime changes when a file is added, replaced by
        rename or removed)."""
        with Session(self.engine) as session:
            ledger = queries.ledger_version(session)
        folder = self.settings.dashboards_dir
        try:
            exported = folder.stat().st_mtime_ns if folder is not None else None
        except OSError:
            exported = None
        return (ledger, exported)


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


Context = Annotated[AppContext, Depends(get_context)]


def get_session(context: Context) -> Iterator[Session]:
    """One session per request. It is never committed: closing it rolls back, and the
    connection itself is read-only (see stratops.api.database)."""
    with Session(context.engine, autoflush=False) as session:
        yield session


# scope="function": the session closes (and its connection returns to the pool) as
# soon as the endpoint returns, not after the response has been sent.
DbSession = Annotated[Session, Depends(get_session, scope="function")]

StrategyIdPath = Annotated[
    str,
    Path(
        pattern=STRATEGY_ID_PATTERN,
        description="The strategy id (`spec.strategyId`), e.g. `v3_5b`.",
        examples=["v3_5b"],
    ),
]


def not_found(strategy_id: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"unknown strategy {strategy_id!r}")


def require_known(session: Session, strategy_id: str) -> None:
    """404 with a message unless the strategy has a configuration or ledger rows."""
    if not queries.is_known(session, strategy_id):
        raise not_found(strategy_id)
