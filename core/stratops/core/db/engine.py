"""The one place that turns a database URL into an Engine.

Two backends exist: SQLite for local mode and tests, Postgres (through
psycopg 3) on a cluster. Everything that talks to a database gets its Engine
here, so both backends behave the same way everywhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from stratops.core.errors import UserError

_POSTGRES_DRIVERS = {"postgres", "postgresql", "postgresql+psycopg"}
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
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    engine = create_engine(url, poolclass=StaticPool) if in_memory else create_engine(url)
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
