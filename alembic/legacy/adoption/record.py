"""What an adoption changed, kept in the adopted database until it is rolled back.

Two small tables outside the stratops models (they belong to the adoption,
not to the ledger): `legacy_adoption`, one row with the legacy revision, the
layout changes and the id watermarks of the rows copied into the stratops
ledger; and `legacy_adoption_rows`, the legacy rows whose NULL `strategy_id`
was tagged (the rollback sets exactly those back to NULL).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
)

metadata = MetaData()
ADOPTION = Table(
    "legacy_adoption",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("from_revision", String(32), nullable=False),
    Column("adopted_at", DateTime(timezone=True), nullable=False),
    Column("layout", Text, nullable=False),
    Column("snapshot_watermark", Integer, nullable=False),
    Column("trade_watermark", Integer, nullable=False),
)
TAGGED_ROWS = Table(
    "legacy_adoption_rows",
    metadata,
    Column("table_name", String(64), primary_key=True),
    Column("row_id", Integer, primary_key=True),
)
RECORD_TABLES = ("legacy_adoption", "legacy_adoption_rows")


@dataclass
class Layout:
    """The schema changes an adoption made, each one undone by the rollback."""

    added_columns: list[str] = field(default_factory=list)  # tables given strategy_id
    index_names: dict[str, str] = field(default_factory=dict)  # original -> adopted name
    index_sql: dict[str, str] = field(default_factory=dict)  # original name -> DDL (SQLite)
    sequence: str | None = None  # original name of the moved table's id sequence (Postgres)
    legacy_tables: list[str] = field(default_factory=list)  # every table before adoption

    def dumps(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def loads(cls, text: str) -> Layout:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class Adoption:
    """The recorded adoption of one database."""

    from_revision: str
    layout: Layout
    snapshot_watermark: int
    trade_watermark: int


def create(connection: Connection) -> None:
    metadata.create_all(connection)


def save(connection: Connection, revision: str, layout: Layout) -> None:
    connection.execute(
        insert(ADOPTION).values(
            id=1,
            from_revision=revision,
            adopted_at=dt.datetime.now(dt.UTC),
            layout=layout.dumps(),
            snapshot_watermark=0,
            trade_watermark=0,
        )
    )


def set_watermarks(connection: Connection, snapshots: int, trades: int) -> None:
    connection.execute(
        ADOPTION.update().values(snapshot_watermark=snapshots, trade_watermark=trades)
    )


def tag_rows(connection: Connection, table: str, ids: list[int]) -> None:
    if ids:
        connection.execute(insert(TAGGED_ROWS), [{"table_name": table, "row_id": i} for i in ids])


def tagged_rows(connection: Connection, table: str) -> list[int]:
    query = select(TAGGED_ROWS.c.row_id).where(TAGGED_ROWS.c.table_name == table)
    return sorted(connection.execute(query).scalars())


def load(connection: Connection) -> Adoption | None:
    """The recorded adoption, or None for a database that was never adopted."""
    if not inspect(connection).has_table("legacy_adoption"):
        return None
    row = connection.execute(select(ADOPTION)).one()
    return Adoption(
        row.from_revision, Layout.loads(row.layout), row.snapshot_watermark, row.trade_watermark
    )


def drop(connection: Connection) -> None:
    metadata.drop_all(connection)
