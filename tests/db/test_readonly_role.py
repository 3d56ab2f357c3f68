"""The API's database role can read every table and write none (Postgres only)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import ProgrammingError

pytestmark = [pytest.mark.db, pytest.mark.postgres]
postgres_only = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
ROLE = "stratops_readonly"


@pytest.fixture
def migrator(db_engine: Engine) -> Iterator[Connection]:
    """A connection as the migrating user, allowed to become the read-only role.

    Membership is granted inside the transaction and rolled back with it, so
    the cluster-wide role is left as the migration made it.
    """
    with db_engine.connect() as conn:
        conn.execute(text(f"GRANT {ROLE} TO CURRENT_USER"))
        yield conn
        conn.rollback()


def _as_readonly(conn: Connection, sql: str) -> object:
    with conn.begin_nested():
        conn.execute(text(f"SET LOCAL ROLE {ROLE}"))
        result = conn.execute(text(sql))
        rows = result.all() if result.returns_rows else None
        conn.execute(text("RESET ROLE"))
        return rows


@postgres_only
def test_the_readonly_role_is_a_role_nobody_logs_in_as(migrator: Connection) -> None:
    can_login = migrator.execute(text(f"SELECT rolcanlogin FROM pg_roles WHERE rolname = '{ROLE}'"))
    assert can_login.scalar_one() is False


@postgres_only
def test_the_readonly_role_reads_every_table(migrator: Connection) -> None:
    tables = migrator.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    ).scalars()
    readable = {t: _as_readonly(migrator, f"SELECT * FROM {t} LIMIT 1") for t in list(tables)}
    assert {"strategy_runs", "trades", "performance_snapshots"} <= readable.keys()
    assert readable.pop("alembic_version") == [("0007",)]  # the API can check the schema
    assert all(rows == [] for rows in readable.values())  # the rest: empty but readable


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO run_failures (strategy_id, trade_date, reason) VALUES ('x', now(), 'r')",
        "UPDATE trades SET strategy_id = 'x'",
        "DELETE FROM performance_snapshots",
        "CREATE TABLE sneaky (id int)",
    ],
)
def test_the_readonly_role_cannot_write(migrator: Connection, statement: str) -> None:
    with pytest.raises(ProgrammingError, match="permission denied"):
        _as_readonly(migrator, statement)


@postgres_only
def test_tables_created_later_are_readable_too(migrator: Connection) -> None:
    """Default privileges: a future migration's table needs no new GRANT."""
    migrator.execute(text("CREATE TABLE added_later (id int)"))
    migrator.execute(text("INSERT INTO added_later VALUES (1)"))
    assert _as_readonly(migrator, "SELECT id FROM added_later") == [(1,)]
