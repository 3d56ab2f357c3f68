"""Persistence: typed models, one engine factory, the unit of work and the migrations.

Typical use::

    engine = create_engine_for(url)
    upgrade_to_head(engine)            # Alembic is the only schema authority
    with UnitOfWork(engine) as session:
        session.add(StrategyRun(...))  # commits when the block ends normally

The migration functions load Alembic on first use: the operator and the API's
queries only read and write rows, and Alembic costs them start-up and memory.
"""

from typing import TYPE_CHECKING, Any

from stratops.core.db.base import Base, UTCDateTime
from stratops.core.db.engine import create_engine_for, describe, parse_url
from stratops.core.db.models import (
    RUN_RESULTS,
    BacktestPoint,
    BacktestRun,
    PerformanceSnapshot,
    PrimaryChange,
    RunFailure,
    StrategyConfig,
    StrategyRun,
    Trade,
)
from stratops.core.db.uow import UnitOfWork

if TYPE_CHECKING:
    from stratops.core.db.migrate import (
        current_revision,
        downgrade,
        head_revision,
        is_at_head,
        stamp,
        upgrade,
        upgrade_to_head,
    )

_MIGRATE = frozenset(
    {
        "current_revision",
        "downgrade",
        "head_revision",
        "is_at_head",
        "stamp",
        "upgrade",
        "upgrade_to_head",
    }
)


def __getattr__(name: str) -> Any:
    if name in _MIGRATE:
        from stratops.core.db import migrate

        return getattr(migrate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "RUN_RESULTS",
    "BacktestPoint",
    "BacktestRun",
    "Base",
    "PerformanceSnapshot",
    "PrimaryChange",
    "RunFailure",
    "StrategyConfig",
    "StrategyRun",
    "Trade",
    "UTCDateTime",
    "UnitOfWork",
    "create_engine_for",
    "current_revision",
    "describe",
    "downgrade",
    "head_revision",
    "is_at_head",
    "parse_url",
    "stamp",
    "upgrade",
    "upgrade_to_head",
]
