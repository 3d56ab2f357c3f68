"""Build the legacy engine's database at one of its two real starting points, with rows.

The schema comes from the legacy engine's own DDL in ../shared/legacy/<point>/
(tests that use it skip where that folder is absent); the rows are those of
`legacy_rows`, written as that engine's SQLAlchemy stored them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, inspect, text

from stratops.core.db import create_engine_for

from .legacy_rows import LegacyRows, Row, realistic_rows

LEGACY = Path(__file__).resolve().parents[3].parent / "shared" / "legacy"
REVISIONS = {"fdbab52": "20260117_0001", "head": "20260123_0001"}


def legacy_dir() -> Path:
    if not (LEGACY / "README.md").is_file():
        pytest.skip(f"the legacy engine's shapes are not at {LEGACY}")
    return LEGACY


def build(url: str, point: str, revision: str | None = None) -> LegacyRows:
    """Create the legacy schema of `point` from its DDL, stamp it, fill it; returns the rows."""
    dialect = "postgresql" if url.startswith("postgres") else "sqlite"
    ddl = (legacy_dir() / point / f"schema-{dialect}.sql").read_text(encoding="utf-8")
    rows = realistic_rows(point)
    engine = create_engine_for(url)
    try:
        with engine.begin() as conn:
            for statement in (s.strip() for s in ddl.split(";")):
                if statement:
                    conn.exec_driver_sql(statement)
            conn.exec_driver_sql(
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
            )
            conn.execute(
                text("INSERT INTO alembic_version VALUES (:v)"), {"v": revision or REVISIONS[point]}
            )
            for table, table_rows in rows.tables.items():
                insert(conn, table, table_rows)
    finally:
        engine.dispose()
    return rows


def insert(conn: Connection, table: str, rows: list[Row]) -> None:
    """Plain SQL, values as the legacy engine's SQLAlchemy stored them (UTC wall time on SQLite)."""
    sqlite = conn.dialect.name == "sqlite"
    for row in rows:
        values = {k: _stored(v, sqlite) for k, v in row.items()}
        columns = ", ".join(f'"{c}"' for c in values)
        params = ", ".join(f":{c}" for c in values)
        conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), values)


def _stored(value: Any, sqlite: bool) -> Any:
    if isinstance(value, dt.datetime) and sqlite:
        utc = value.astimezone(dt.UTC) if value.tzinfo else value
        return utc.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def dump(url: str) -> dict[str, Any]:
    """Every table's shape and rows, to compare a database before and after."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            found: dict[str, Any] = {}
            for table in sorted(inspector.get_table_names()):
                found[table] = {
                    "columns": [
                        (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                        for c in inspector.get_columns(table)
                    ],
                    "indexes": sorted(
                        (i["name"], tuple(i["column_names"]), i["unique"])
                        for i in inspector.get_indexes(table)
                    ),
                    "unique": sorted(
                        (u["name"] or "", tuple(u["column_names"]))
                        for u in inspector.get_unique_constraints(table)
                    ),
                    "pk": inspector.get_pk_constraint(table)["constrained_columns"],
                    "fks": sorted(str(f) for f in inspector.get_foreign_keys(table)),
                    "rows": sorted(
                        (tuple(r) for r in conn.execute(text(f'SELECT * FROM "{table}"'))), key=repr
                    ),
                }
            return found
    finally:
        engine.dispose()
