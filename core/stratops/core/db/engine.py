"""The one place that turns a database URL into an Engine.

Two backends exist: SQLite for local mode and tests, Postgres (through
psycopg 3) on a cluster. Everything that talks to a database gets its Engine
here, so both backends behave the same way everywhere.

A Postgres that cannot be reached (a host dropping packets, a server that
accepts and never answers) must not hold a runner, the operator or the API
for minutes: every connection attempt gives up after `connect_timeout`
seconds (libpq's URL parameter; `DEFAULT_CONNECT_TIMEOUT_S` unless the URL
sets it), and a failed attempt is one line naming the database.

JSON columns are written with `allow_nan=False` on both backends: Postgres
refuses `Infinity`, so SQLite must too, or a value would be storable in
local mode and not on a cluster.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from stratops.core.errors import UserError

_POSTGRES_DRIVERS = {"postgres", "postgresql", "postgresql+psycopg"}
DEFAULT_CONNECT_TIMEOUT_S = 10
strict_json = partial(json.dumps, allow_nan=False)
_EXAMPLES = "use sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"


def parse_url(url: str) -> URL:
    """Parse and normalise a URL: `postgresql://` means psycopg 3, the only Postgres driver here."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(f"not a database URL: {url!r}; {_EXAMPLES}") from None
    if parsed.drivername in _POSTGRES_DRIVERS:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername == "sqlite":
        return parsed
    raise UserError(f"unsupported database {parsed.drivername!r}; {_EXAMPLES}")


def describe(url: str | URL) -> str:
    """The URL with its password hidden, for messages and logs."""
    parsed = url if isinstance(url, URL) else make_url(url)
    return parsed.render_as_string(hide_password=True)


def create_engine_for(url: str) -> Engine:
    """An Engine for `url`: SQLite with foreign keys and WAL, or Postgres via psycopg 3.

    `sqlite://` (no path) is one in-memory database shared by every
    connection of the Engine, handy for fast tests that migrate it first.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return _postgres_engine(with_connect_timeout(parsed))


def with_connect_timeout(url: URL) -> URL:
    """`url` with `connect_timeout` set to the default unless it names one itself."""
    if "connect_timeout" in url.query:
        return url
    return url.update_query_dict({"connect_timeout": str(DEFAULT_CONNECT_TIMEOUT_S)})


class DatabaseUnreachableError(UserError):
    """No connection could be made (refused, timed out, authentication failed)."""


def _postgres_engine(url: URL) -> Engine:
    engine = create_engine(url, pool_pre_ping=True, json_serializer=strict_json)
    where = describe(url)

    def connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        try:
            return dialect.loaded_dbapi.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise DatabaseUnreachableError(
                f"cannot connect to database {where}: {reason}"
            ) from None

    event.listen(engine, "do_connect", connect)
    return engine


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    pool: dict[str, Any] = {"poolclass": StaticPool} if in_memory else {}
    engine = create_engine(url, json_serializer=strict_json, **pool)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys unless asked, per connection; WAL lets the API read
    while a runner writes."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()
