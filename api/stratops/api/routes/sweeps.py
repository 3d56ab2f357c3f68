"""`/api/sweeps` and `/api/sweeps/{name}`: stored parameter sweeps and their ranked sets.

Pages are stable: sweeps newest first then by id, sets by score (best first,
unscored last) then by set index, so no row appears on two pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from stratops.api.context import DbSession
from stratops.api.schemas import ErrorMessage
from stratops.api.sweep_schemas import SweepDetail, SweepList, SweepSummary
from stratops.core.db import Sweep, SweepResult
from stratops.core.research.results import ranked_query, ranked_set

router = APIRouter(prefix="/api/sweeps", tags=["sweeps"])
MAX_LIMIT = 1000
NAME_PATTERN = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"

Namespace = Annotated[
    str | None,
    Query(pattern=NAME_PATTERN, description="Only sweeps of this namespace."),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Rows to skip.")]


def _summaries(
    session: Session, where: Sequence[ColumnElement[bool]], limit: int, offset: int
) -> list[SweepSummary]:
    query = (
        select(
            Sweep,
            func.count(SweepResult.set_index),
            func.count(SweepResult.error),
            func.max(SweepResult.score),
        )
        .outerjoin(SweepResult, SweepResult.sweep_id == Sweep.id)
        .where(*where)
        .group_by(Sweep.id)
        .order_by(Sweep.created_at.desc(), Sweep.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        _summary(sweep, done, failed, best) for sweep, done, failed, best in session.execute(query)
    ]


def _summary(sweep: Sweep, done: int, failed: int, best: float | None) -> SweepSummary:
    return SweepSummary(
        id=sweep.id,
        namespace=sweep.namespace,
        name=sweep.name,
        base_strategy=sweep.base_strategy,
        strategy_id=sweep.strategy_id,
        strategy_class=sweep.strategy_class,
        rank_by=sweep.rank_by,
        rank_on=sweep.rank_on,
        total=sweep.total_sets,
        done=int(done),
        failed=int(failed),
        best_score=best,
        created_at=sweep.created_at,
    )


@router.get("", response_model=SweepList, summary="Sweeps, newest first")
def list_sweeps(
    session: DbSession, namespace: Namespace = None, limit: Limit = 100, offset: Offset = 0
) -> SweepList:
    where = [Sweep.namespace == namespace] if namespace is not None else []
    total = session.scalar(select(func.count()).select_from(Sweep).where(*where)) or 0
    return SweepList(
        sweeps=_summaries(session, where, limit, offset), total=total, limit=limit, offset=offset
    )


@router.get(
    "/{name}",
    response_model=SweepDetail,
    responses={404: {"model": ErrorMessage, "description": "No such sweep."}},
    summary="One sweep's ranked sets, in- and out-of-sample (its newest inputs)",
)
def sweep_detail(
    session: DbSession,
    name: Annotated[str, Path(pattern=NAME_PATTERN, description="The sweep's name.")],
    namespace: Namespace = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> SweepDetail:
    where = [Sweep.name == name]
    if namespace is not None:
        where.append(Sweep.namespace == namespace)
    found = _summaries(session, where, 1, 0)
    if not found:
        raise HTTPException(404, f"no sweep named {name!r}")
    summary = found[0]
    sweep = session.get_one(Sweep, summary.id)
    rows = session.scalars(ranked_query(summary.id).limit(limit).offset(offset)).all()
    sets = [ranked_set(offset + n, row) for n, row in enumerate(rows, start=1)]
    return SweepDetail(
        sweep=summary,
        grid=sweep.spec.get("grid"),
        period=sweep.spec.get("period", {}),
        base_spec=sweep.base_spec,
        sets=sets,
        limit=limit,
        offset=offset,
    )
