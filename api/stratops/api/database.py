"""The API's read-only engine and the checks that prove it cannot write.

Read-only is enforced twice, by the database and not by good intentions:

* on Postgres the URL names a member of `stratops_readonly` (SELECT only);
  every connection also starts its transactions READ ONLY, so even a
  misconfigured user cannot write through the API by accident;
* on SQLite (local mode) every connection sets `PRAGMA query_only`.

`writable_reason` finds a user that could still write, so `stratops api`
can refuse to start with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, text

from stratops.core.db.engine import create_engine_for, describe, parse_url
from stratops.core.errors import UserError

_PG_READ_ONLY_OPTION = "-c default_transaction_read_only=on"

# Any write privilege on a table of the current schema, or the right to create
# tables in it, makes the user writable. Superusers pass every privilege check.
_PG_WRITE_PRIVILEGES = text(
    """
    SELECT coalesce(bool_or(has_table_privilege(c.oid, 'INSERT,UPDATE,DELETE,TRUNCATE')), false)
           OR has_schema_privilege(current_schema(), 'CREATE')
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    """
)


def create_readonly_engine(url: str) -> Engine:
    """One engine for the whole app, every connection of it read-only."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        _require_sqlite_file(parsed.database)
        engine = create_engine_for(url)
        event.listen(engine, "connect", _sqlite_query_only)
        return engine
    options = parsed.query.get("options")
    extra = (
        f"{options} {_PG_READ_ONLY_OPTION}" if isinstance(options, str) else _PG_READ_ONLY_OPTION
    )
    readonly = parsed.update_query_dict({"options": extra})
    return create_engine_for(readonly.render_as_string(hide_password=False))


def writable_reason(connection: Connection) -> str | None:
    """Why the connected user could write (Postgres), or None when it can only read."""
    if connection.dialect.name != "postgresql":
        return None
    user = connection.execute(text("SELECT current_user")).scalar_one()
    if connection.execute(_PG_WRITE_PRIVILEGES).scalar_one():
        return (
            f"database user {user!r} may write; connect as a member of stratops_readonly "
            "(see the API settings documentation)"
        )
    return None


def check_read_only(engine: Engine) -> str | None:
    """Raise a one-line UserError when the engine's user may write.

    A database that cannot be reached yet (a pod starting before Postgres) is
    not an error here: the returned note says so, and `/readyz` keeps the
    service out of rotation until the database answers with a read-only user.
    """
    try:
        with engine.connect() as connection:
            reason = writable_reason(connection)
    except Exception as exc:  # any driver error: report the database, not a traceback
        first_line = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return f"database {describe(engine.url)} not reachable yet: {first_line}"
    if reason:
        raise UserError(reason)
    return None


def _require_sqlite_file(database: str | None) -> None:
    """SQLite would silently create an empty file; a read API must point at an existing one."""
    if database in (None, "", ":memory:"):
        raise UserError("the API needs a SQLite file (sqlite:///PATH), not an in-memory database")
    if not Path(str(database)).is_file():
        raise UserError(f"no SQLite database at {database}; run `stratops db upgrade` first")


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()
