"""Opening the ledger for a runner process: one Engine, a schema the code expects.

Alembic stays the only schema authority. A local SQLite file is brought to
the newest schema on first use (local mode must work with one command); a
Postgres database must already be migrated (`stratops db upgrade`, a deploy
step), because a runner pod must never race another one to change a schema.
"""

from __future__ import annotations

from sqlalchemy import Engine

from stratops.core.db import create_engine_for, describe, is_at_head, upgrade_to_head
from stratops.core.errors import UserError


def open_ledger(url: str) -> Engine:
    """An Engine on a database at the newest schema (SQLite is migrated, Postgres refused)."""
    engine = create_engine_for(url)
    try:
        if not is_at_head(engine):
            if engine.dialect.name != "sqlite":
                raise UserError(
                    f"database {describe(engine.url)} is not at the newest schema: "
                    "run `stratops db upgrade --db URL` first"
                )
            upgrade_to_head(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine
