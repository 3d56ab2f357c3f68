"""Alembic environment for stratops.

Migrations normally run on a connection handed over by
`stratops.core.db.migrate` (`config.attributes["connection"]`), inside that
caller's transaction. Run by the plain `alembic` command instead, the URL
comes from the `sqlalchemy.url` option.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from stratops.core.db import Base, create_engine_for

# Any constant works; it only has to be the same for every stratops process.
_MIGRATION_LOCK_KEY = 0x5374724F7073  # "StrOps"


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two processes upgrading at once (say, two runner jobs) take turns:
            # the second one waits, then finds the schema already at head.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
            )
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise SystemExit("stratops migrations run online only (they inspect the data they migrate)")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no database: use `stratops db upgrade --db URL`")
    engine = create_engine_for(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


_main()
