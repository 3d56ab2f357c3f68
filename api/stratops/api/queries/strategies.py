"""Which strategies exist, how they are configured, and their latest runs and failures.

`overview` answers the strategy list and the status page in one statement:
every known strategy (or one page of them) with its configuration, latest
completed run and latest failure, at one index probe per strategy and table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Select,
    Subquery,
    exists,
    false,
    func,
    literal,
    select,
    text,
    union,
)
from sqlalchemy.orm import Session

from stratops.api.pagination import Page
from stratops.api.queries.latest import distinct_ids, latest_of
from stratops.api.queries.rows import AnyRow
from stratops.core.db import (
    PerformanceSnapshot,
    RunFailure,
    StrategyConfig,
    StrategyRun,
)
from stratops.core.db.strategy_configs import primary_of_any_namespace

Snap = PerformanceSnapshot

RUN_COLUMNS = (
    StrategyRun.trade_date.label("run_trade_date"),
    StrategyRun.result.label("run_result"),
    StrategyRun.finished_at.label("run_finished_at"),
    StrategyRun.equity.label("run_equity"),
    StrategyRun.params_hash.label("run_params_hash"),
    StrategyRun.duration_seconds.label("run_duration_seconds"),
)
FAILURE_COLUMNS = (
    RunFailure.trade_date.label("failure_trade_date"),
    RunFailure.reason.label("failure_reason"),
    RunFailure.message.label("failure_message"),
    RunFailure.created_at.label("failure_at"),
)


def _known() -> Select[Any]:
    """Every strategy id with a configuration, a snapshot or a completed run (column sid)."""
    query: Select[Any] = union(  # type: ignore[assignment]
        select(StrategyConfig.strategy_id.label("sid")),
        distinct_ids(Snap.strategy_id, "snapshot_ids"),
        distinct_ids(StrategyRun.strategy_id, "run_ids"),
    )
    return query


def known_ids(session: Session) -> list[str]:
    """Every strategy id with a configuration, a snapshot or a completed run, sorted."""
    return sorted(str(sid) for sid in session.execute(_known()).scalars())


def _page(strategy_id: str | None, page: Page | None) -> Subquery:
    """The strategies asked for, primary first then by id (the order the runner uses)."""
    if strategy_id is not None:
        ids: Any = select(literal(strategy_id).label("sid")).subquery("known")
    else:
        ids = _known().subquery("known")
    query = select(
        ids.c.sid.label("strategy_id"),
        StrategyConfig.id.label("config_id"),
        StrategyConfig.display_name,
        StrategyConfig.strategy_class,
        StrategyConfig.is_primary,
        StrategyConfig.is_active,
        StrategyConfig.spec,
        StrategyConfig.generation,
        StrategyConfig.created_at,
        func.count().over().label("known_total"),
    ).outerjoin(StrategyConfig, StrategyConfig.strategy_id == ids.c.sid)
    if page is not None:
        query = page.apply(query, _primary_first(StrategyConfig.is_primary), ids.c.sid)
    return query.subquery("page")


def overview(
    session: Session, strategy_id: str | None = None, page: Page | None = None
) -> list[AnyRow]:
    """Configuration, latest run (`run_*`, and `latest`: its trade date, the column
    missed-run detection reads) and latest failure (`failure_*`) of every known
    strategy (or of `strategy_id` alone, or of one page), primary first then by id.
    Configuration columns are null for a strategy known only from its ledger rows."""
    dialect = session.get_bind().dialect.name
    chosen = _page(strategy_id, page)
    run, run_on = latest_of(
        dialect, chosen.c.strategy_id, StrategyRun.strategy_id, StrategyRun.trade_date, RUN_COLUMNS
    )
    failure, failure_on = latest_of(
        dialect, chosen.c.strategy_id, RunFailure.strategy_id, RunFailure.id, FAILURE_COLUMNS
    )
    query = (
        select(chosen, *(run.c[c.name] for c in RUN_COLUMNS))
        .add_columns(run.c.run_trade_date.label("latest"))
        .add_columns(*(failure.c[c.name] for c in FAILURE_COLUMNS))
        .select_from(chosen)
        .outerjoin(run, run_on)
        .outerjoin(failure, failure_on)
        .order_by(_primary_first(chosen.c.is_primary), chosen.c.strategy_id)
    )
    return list(session.execute(query))


def _primary_first(is_primary: Any) -> Any:
    return func.coalesce(is_primary, false()).desc()


def known_count(session: Session) -> int:
    """How many strategies `overview` would list without a page."""
    return int(session.execute(select(func.count()).select_from(_known().subquery())).scalar_one())


def is_known(session: Session, strategy_id: str) -> bool:
    """Whether `strategy_id` has a configuration or ledger rows (index lookups only)."""
    found = select(
        exists().where(StrategyConfig.strategy_id == strategy_id)
        | exists().where(Snap.strategy_id == strategy_id)
        | exists().where(StrategyRun.strategy_id == strategy_id)
    )
    return bool(session.execute(found).scalar())


def configs(session: Session) -> dict[str, AnyRow]:
    """Configuration rows by strategy id."""
    query = select(
        StrategyConfig.strategy_id,
        StrategyConfig.display_name,
        StrategyConfig.strategy_class,
        StrategyConfig.is_primary,
        StrategyConfig.is_active,
        StrategyConfig.parameters,
        StrategyConfig.spec,
        StrategyConfig.generation,
    )
    return {row.strategy_id: row for row in session.execute(query)}


def parameters(session: Session, strategy_id: str) -> dict[str, Any]:
    """The configured strategy parameters (empty without a configuration)."""
    query = select(StrategyConfig.parameters).where(StrategyConfig.strategy_id == strategy_id)
    return dict(session.execute(query).scalar() or {})


def name_and_spec(session: Session, strategy_id: str) -> tuple[str, dict[str, Any] | None] | None:
    """The configured display name and spec; the id itself and None for a strategy known
    only from its ledger rows; None for an unknown strategy."""
    query = select(StrategyConfig.display_name, StrategyConfig.spec).where(
        StrategyConfig.strategy_id == strategy_id
    )
    row = session.execute(query).first()
    if row is not None:
        return str(row.display_name), dict(row.spec or {})
    return (strategy_id, None) if is_known(session, strategy_id) else None


def primary_id(session: Session) -> str | None:
    """The configured primary (`is_primary`, as the operator's or local mode's election
    wrote it); should several rows say so, the election's own rule picks one."""
    return primary_of_any_namespace(session)


def latest_run(session: Session, strategy_id: str) -> AnyRow | None:
    """The latest completed run of one strategy (one descending index probe)."""
    query = select(
        StrategyRun.strategy_id,
        StrategyRun.trade_date,
        StrategyRun.result,
        StrategyRun.finished_at,
        StrategyRun.equity,
        StrategyRun.cash,
        StrategyRun.state,
        StrategyRun.cell,
        StrategyRun.trend,
        StrategyRun.vol,
        StrategyRun.data_snapshot_id,
        StrategyRun.params_hash,
    ).where(StrategyRun.strategy_id == strategy_id)
    return session.execute(query.order_by(StrategyRun.trade_date.desc()).limit(1)).first()


def schema_revision(session: Session) -> str | None:
    """The Alembic revision of the database, None when it was never migrated."""
    try:
        return session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no alembic_version table: a database that was never migrated
        session.rollback()
        return None
