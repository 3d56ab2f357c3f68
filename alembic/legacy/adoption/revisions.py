"""Which database is this: stratops, the legacy engine (which revision), or neither?

The legacy engine ran its own Alembic chain in the same `alembic_version`
table; its row is how a legacy database is recognised. Only revisions from
`20260117_0001` on are adopted: they are the shapes `layout` knows (the
single-strategy engine, then its own multi-strategy steps).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, inspect, text

from stratops.core.errors import UserError

# The legacy chain's revisions that can be adopted, oldest first.
LEGACY_REVISIONS = ("20260117_0001", "20260120_0001", "20260122_0001", "20260123_0001")
# Tables only the legacy engine has; one of them without a version row means an
# unversioned legacy database, which is refused rather than guessed at.
LEGACY_MARKERS = ("live_trades", "positions", "market_data")


def legacy_revision(connection: Connection, is_stratops: Callable[[str], bool]) -> str | None:
    """The legacy revision to adopt, or None for a stratops (or empty) database.

    Raises UserError, naming the revision, for a database of neither chain.
    """
    versions = _versions(connection)
    if not versions:
        _refuse_unversioned_legacy(connection)
        return None
    if len(versions) > 1:
        raise UserError(
            f"alembic_version holds {len(versions)} rows ({', '.join(versions)}); "
            "expected one: nothing was changed"
        )
    revision = versions[0]
    if revision in LEGACY_REVISIONS:
        return revision
    if is_stratops(revision):
        return None
    raise UserError(
        f"revision {revision!r} belongs neither to the stratops migrations nor to the "
        f"legacy engine's chain that can be adopted ({LEGACY_REVISIONS[0]} to "
        f"{LEGACY_REVISIONS[-1]}); nothing was changed"
    )


def _versions(connection: Connection) -> list[str]:
    if not inspect(connection).has_table("alembic_version"):
        return []
    rows = connection.execute(text("SELECT version_num FROM alembic_version"))
    return sorted(str(v) for v in rows.scalars())


def _refuse_unversioned_legacy(connection: Connection) -> None:
    tables = set(inspect(connection).get_table_names())
    found = sorted(tables & set(LEGACY_MARKERS))
    if found and "legacy_adoption" not in tables:
        raise UserError(
            f"the database holds tables of the legacy engine ({', '.join(found)}) but no "
            "alembic_version row: let the legacy engine stamp its revision first "
            "(its `alembic stamp head`); nothing was changed"
        )
