"""Read-only is enforced by the database: writes through the API's own connection fail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

from stratops.api.app import create_app
from stratops.api.database import check_read_only, create_readonly_engine
from stratops.api.settings import ApiSettings
from stratops.core.db import RunFailure, create_engine_for
from stratops.core.errors import UserError

from .conftest import ApiClient

pytestmark = pytest.mark.db
MakeClient = Callable[..., ApiClient]
postgres_only = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
WRITE = insert(RunFailure).values(strategy_id="x", trade_date=dt.date(2024, 1, 2), reason="r")


def test_a_write_through_the_apis_connection_fails(make_client: MakeClient) -> None:
    engine = make_client("one").app.state.context.engine
    with engine.connect() as connection, pytest.raises(DBAPIError):
        connection.execute(WRITE)


@postgres_only
def test_the_database_role_refuses_even_a_read_write_transaction(make_client: MakeClient) -> None:
    engine = make_client("one").app.state.context.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SET default_transaction_read_only = off"))
        with pytest.raises(DBAPIError, match="permission denied"):
            connection.execute(WRITE)


def test_ready_as_the_read_only_user(make_client: MakeClient) -> None:
    assert make_client("one").json("/readyz") == {"status": "ok", "detail": None}


@postgres_only
def test_a_user_that_may_write_is_refused(migrated_db_url: str) -> None:
    engine = create_readonly_engine(migrated_db_url)
    try:
        with pytest.raises(UserError, match="may write; connect as a member of stratops_readonly"):
            check_read_only(engine)
    finally:
        engine.dispose()


@postgres_only
def test_not_ready_as_a_user_that_may_write(migrated_db_url: str) -> None:
    client = ApiClient(create_app(ApiSettings(db_url=migrated_db_url)))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "may write" in response.json()["detail"]
        lenient = ApiClient(
            create_app(ApiSettings(db_url=migrated_db_url, allow_writable_user=True))
        )
        assert lenient.get("/readyz").status_code == 200
        lenient.app.state.context.engine.dispose()
    finally:
        client.app.state.context.engine.dispose()


def test_not_ready_before_the_migrations(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        create_engine_for(db_url).dispose()  # the file exists, empty
        with create_engine_for(db_url).begin() as conn:
            conn.execute(text("CREATE TABLE placeholder (id integer)"))
    client = ApiClient(create_app(ApiSettings(db_url=db_url, allow_writable_user=True)))
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["detail"].startswith("database schema is at no revision")
        assert client.get("/healthz").json() == {"status": "ok", "detail": None}
    finally:
        client.app.state.context.engine.dispose()


def test_unreachable_database_is_a_note_not_a_refusal() -> None:
    engine = create_readonly_engine("postgresql://api:pw@127.0.0.1:1/stratops?connect_timeout=2")
    try:
        note = check_read_only(engine)
    finally:
        engine.dispose()
    assert note is not None
    assert note.startswith("database postgresql+psycopg://api:***@127.0.0.1:1/stratops")
    assert "not reachable yet" in note
