"""The adoption and its rollback, each one sequence of steps on the caller's transaction.

The caller (`stratops.core.db.migrate`) owns the transaction and the Alembic
chain: it passes `run_chain`, which migrates the connection up (adoption) or
down to nothing (rollback). Any failure part-way raises, and the caller's
rollback leaves the database exactly as it was: on Postgres DDL is
transactional, on SQLite the caller runs the whole batch inside one explicit
`BEGIN ... COMMIT`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text

from stratops.core.errors import UserError
from stratops.migrations.legacy.adoption import layout, record, transfer
from stratops.migrations.legacy.adoption.record import Adoption, Layout

Chain = Callable[[Connection], None]
READ_ROLE = "stratops_readonly"
# Stratops tables whose rows are history the legacy engine cannot hold; what else
# stratops keeps (strategy configurations, backtests) is derived and re-creatable.
HISTORY = ("strategy_runs", "run_failures", "primary_changes")


def adopt(connection: Connection, revision: str, run_chain: Chain) -> None:
    """Tag, move aside, run the stratops chain, copy the ledger, record it all."""
    tables = layout.check(connection, revision)
    changes = Layout(legacy_tables=tables)
    record.create(connection)
    layout.tag_strategies(connection, changes)
    layout.move_aside(connection, changes)
    connection.execute(text("DELETE FROM alembic_version"))
    run_chain(connection)
    record.save(connection, revision, changes)
    record.set_watermarks(connection, *transfer.copy_ledger(connection))
    _hide_from_reader(connection, changes)


def is_adopted(connection: Connection) -> bool:
    return record.load(connection) is not None


def after_upgrade(connection: Connection) -> None:
    """On an adopted database, an upgrade that re-ran the read-only role's blanket grant
    (say, after a downgrade below 0004) must not expose the legacy tables again."""
    adoption = record.load(connection)
    if adoption is not None:
        _hide_from_reader(connection, adoption.layout)


def roll_back(connection: Connection, discard_later: bool, run_chain: Chain) -> str:
    """Back to the legacy shape and revision; returns that revision."""
    adoption = record.load(connection)
    if adoption is None:
        raise UserError(
            "not an adopted legacy database (no legacy_adoption table): nothing to roll back to"
        )
    later = later_rows(connection, adoption)
    if later and not discard_later:
        counted = ", ".join(f"{table} {n}" for table, n in later.items())
        raise UserError(
            f"stratops wrote rows after the adoption ({counted}); the legacy schema has no "
            "place for them: pass --discard-later-rows to drop them, or stay on stratops; "
            "nothing was changed"
        )
    run_chain(connection)
    layout.move_back(connection, adoption.layout)
    layout.untag_strategies(connection, adoption.layout)
    record.drop(connection)
    connection.execute(text("DELETE FROM alembic_version"))
    connection.execute(
        text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": adoption.from_revision}
    )
    return adoption.from_revision


def later_rows(connection: Connection, adoption: Adoption) -> dict[str, int]:
    """Rows stratops wrote after the adoption, per table (tables without any left out)."""
    queries = {
        "performance_snapshots": f"id > {int(adoption.snapshot_watermark)}",
        "trades": f"id > {int(adoption.trade_watermark)}",
        **{table: "1 = 1" for table in HISTORY},
    }
    counts = {
        table: int(
            connection.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {where}")).scalar_one()
        )
        for table, where in queries.items()
    }
    return {table: n for table, n in counts.items() if n}


def _hide_from_reader(connection: Connection, changes: Layout) -> None:
    """The API's read-only role reads the stratops tables, not the legacy engine's users,
    passkeys or tokens: take back what the chain's blanket grant gave it there."""
    if connection.dialect.name != "postgresql":
        return
    role = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": READ_ROLE})
    if role.first() is None:
        return
    moved = {layout.MOVED_TABLE: layout.MOVED_AS}
    hidden = [moved.get(t, t) for t in changes.legacy_tables if t != "alembic_version"]
    for table in [*hidden, *record.RECORD_TABLES]:
        connection.execute(text(f'REVOKE ALL ON TABLE "{table}" FROM {READ_ROLE}'))
