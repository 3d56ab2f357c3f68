"""`/healthz` (the process answers) and `/readyz` (it can serve: database, schema, role)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from stratops.api import database, queries
from stratops.api.context import Context, DbSession
from stratops.api.schemas import Probe

router = APIRouter(tags=["probes"])


@router.get("/healthz", response_model=Probe, summary="Liveness: the process answers")
def healthz() -> Probe:
    """No database access: a slow database must not get a healthy pod restarted."""
    return Probe(status="ok")


@router.get(
    "/readyz",
    response_model=Probe,
    responses={503: {"model": Probe, "description": "Not ready; `detail` says why."}},
    summary="Readiness: database reachable, schema current, user read-only",
)
def readyz(context: Context, session: DbSession) -> Probe | JSONResponse:
    problem = _problem(context, session)
    if problem is None:
        return Probe(status="ok")
    body = Probe(status="unavailable", detail=problem)
    return JSONResponse(status_code=503, content=body.model_dump())


def _problem(context: Context, session: DbSession) -> str | None:
    try:
        revision = queries.schema_revision(session)
        if revision != context.head_revision:
            found = revision or "no revision"
            return f"database schema is at {found}, expected {context.head_revision}"
        if not context.settings.allow_writable_user:
            return database.writable_reason(session.connection())
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        return f"database unreachable: {str(cause).strip().splitlines()[0]}"
    return None
