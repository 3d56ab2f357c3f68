"""The schema side of an adoption: strategy_id on the legacy ledger, the snapshot table moved.

Both directions live here so that each change sits next to its undo:

* `performance_snapshots`, `live_trades` and `positions` get a `strategy_id`
  column where they lack one (the single-strategy engine), and rows without
  one are tagged `v3_5b` (the one strategy that engine ran);
* the legacy `performance_snapshots` becomes `legacy_performance_snapshots`
  with its indexes (and, on Postgres, its id sequence) renamed alike, because
  stratops' own `performance_snapshots` and its index names take their place.

Every other table of the legacy engine is left alone.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, inspect, text

from stratops.core.errors import UserError
from stratops.migrations.legacy.adoption import record
from stratops.migrations.legacy.adoption.record import Layout

LEGACY_STRATEGY_ID = "v3_5b"
LEDGER_TABLES = ("performance_snapshots", "live_trades", "positions")
MOVED_TABLE = "performance_snapshots"
PREFIX = "legacy_"
MOVED_AS = PREFIX + MOVED_TABLE


def check(connection: Connection, revision: str) -> list[str]:
    """Every table of the database; refuses a legacy database that lacks what adoption needs."""
    inspector = inspect(connection)
    tables = sorted(inspector.get_table_names())
    missing = [t for t in LEDGER_TABLES if t not in tables]
    if missing:
        raise UserError(
            f"legacy revision {revision} without table {missing[0]}: nothing was changed"
        )
    columns = {c["name"] for c in inspector.get_columns(MOVED_TABLE)}
    if not {"mode", "timestamp"} <= columns:
        raise UserError(
            f"legacy revision {revision}, but performance_snapshots has no mode/timestamp "
            "columns: not the legacy engine's table; nothing was changed"
        )
    taken = [t for t in (MOVED_AS, *record.RECORD_TABLES) if t in tables]
    if taken:
        raise UserError(f"table {taken[0]} already exists: nothing was changed")
    return tables


def tag_strategies(connection: Connection, layout: Layout) -> None:
    """Give every legacy ledger row a strategy_id, remembering what was NULL before."""
    inspector = inspect(connection)
    for table in LEDGER_TABLES:
        columns = {c["name"] for c in inspector.get_columns(table)}
        if "strategy_id" not in columns:
            connection.execute(text(f"ALTER TABLE {table} ADD COLUMN strategy_id VARCHAR(50)"))
            layout.added_columns.append(table)
        else:
            ids = connection.execute(text(f"SELECT id FROM {table} WHERE strategy_id IS NULL"))
            record.tag_rows(connection, table, [int(i) for i in ids.scalars()])
        connection.execute(
            text(f"UPDATE {table} SET strategy_id = :sid WHERE strategy_id IS NULL"),
            {"sid": LEGACY_STRATEGY_ID},
        )


def untag_strategies(connection: Connection, layout: Layout) -> None:
    for table in LEDGER_TABLES:
        if table in layout.added_columns:
            connection.execute(text(f"ALTER TABLE {table} DROP COLUMN strategy_id"))
            continue
        ids = record.tagged_rows(connection, table)
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            connection.execute(
                text(f"UPDATE {table} SET strategy_id = NULL WHERE id IN ({_ints(chunk)})")
            )


def move_aside(connection: Connection, layout: Layout) -> None:
    """performance_snapshots -> legacy_performance_snapshots, with its index names."""
    if connection.dialect.name == "postgresql":
        _move_postgres(connection, layout)
    else:
        _move_sqlite(connection, layout)


def move_back(connection: Connection, layout: Layout) -> None:
    if connection.dialect.name == "postgresql":
        _back_postgres(connection, layout)
    else:
        _back_sqlite(connection, layout)


def _move_postgres(connection: Connection, layout: Layout) -> None:
    for name in _postgres_indexes(connection, MOVED_TABLE):
        layout.index_names[name] = _prefixed(name)
        connection.execute(text(f'ALTER INDEX "{name}" RENAME TO "{_prefixed(name)}"'))
    sequence = connection.execute(
        text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": MOVED_TABLE}
    ).scalar()
    if sequence:
        layout.sequence = str(sequence).rsplit(".", 1)[-1].strip('"')
        connection.execute(
            text(f'ALTER SEQUENCE {sequence} RENAME TO "{_prefixed(layout.sequence)}"')
        )
    connection.execute(text(f"ALTER TABLE {MOVED_TABLE} RENAME TO {MOVED_AS}"))


def _back_postgres(connection: Connection, layout: Layout) -> None:
    connection.execute(text(f"ALTER TABLE {MOVED_AS} RENAME TO {MOVED_TABLE}"))
    if layout.sequence:
        connection.execute(
            text(f'ALTER SEQUENCE "{_prefixed(layout.sequence)}" RENAME TO "{layout.sequence}"')
        )
    for original, adopted in layout.index_names.items():
        connection.execute(text(f'ALTER INDEX "{adopted}" RENAME TO "{original}"'))


def _postgres_indexes(connection: Connection, table: str) -> list[str]:
    rows = connection.execute(
        text(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = :t ORDER BY indexname"
        ),
        {"t": table},
    )
    return [str(n) for n in rows.scalars()]


def _move_sqlite(connection: Connection, layout: Layout) -> None:
    """SQLite renames its automatic indexes with the table; named ones are re-created."""
    named = _sqlite_indexes(connection, MOVED_TABLE)
    layout.index_sql.update(named)
    connection.execute(text(f"ALTER TABLE {MOVED_TABLE} RENAME TO {MOVED_AS}"))
    for name, moved_sql in _sqlite_indexes(connection, MOVED_AS).items():
        connection.execute(text(f'DROP INDEX "{name}"'))
        connection.execute(text(renamed_index_sql(moved_sql, name, _prefixed(name))))
        layout.index_names[name] = _prefixed(name)


def _back_sqlite(connection: Connection, layout: Layout) -> None:
    connection.execute(text(f"ALTER TABLE {MOVED_AS} RENAME TO {MOVED_TABLE}"))
    for original, adopted in layout.index_names.items():
        connection.execute(text(f'DROP INDEX "{adopted}"'))
        connection.execute(text(layout.index_sql[original]))


def _sqlite_indexes(connection: Connection, table: str) -> dict[str, str]:
    rows = connection.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
            "AND sql IS NOT NULL ORDER BY name"
        ),
        {"t": table},
    )
    return {str(name): str(sql) for name, sql in rows}


def renamed_index_sql(sql: str, old: str, new: str) -> str:
    """`CREATE [UNIQUE] INDEX old ON ...` with the index named `new`."""
    pattern = re.compile(
        r'^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?)(["`\[]?)'
        + re.escape(old)
        + r'(["`\]]?)',
        re.IGNORECASE,
    )
    renamed, count = pattern.subn(lambda m: f'{m.group(1)}"{new}"', sql, count=1)
    if count != 1:
        raise UserError(f"index {old}: cannot read its definition ({sql!r}); nothing was changed")
    return renamed


def _prefixed(name: str) -> str:
    renamed = PREFIX + name
    if len(renamed) > 63:  # Postgres' identifier limit
        raise UserError(f"index {name}: too long to rename to {renamed}; nothing was changed")
    return renamed


def _ints(ids: list[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)
