"""Run the Alembic migrations from Python: the database's only schema authority.

The CLI (`stratops db ...`), the runner, the demo and the tests all call these
functions; nothing calls `create_all`. Alembic is configured here rather than
from an alembic.ini so that an installed wheel migrates exactly like a
checkout: the scripts are found through the `stratops.migrations` package.

Every command runs in one transaction that is really one on both backends: on
SQLite the connection issues its own `BEGIN IMMEDIATE` (the driver would
otherwise commit each DDL statement at once), so a migration that fails
half-way leaves nothing behind. A database of the legacy engine is adopted by
the upgrade in that same transaction (`stratops.migrations.legacy.adoption`), and
`downgrade(db, "legacy")` is its rollback.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from stratops.core.db.engine import create_engine_for, describe
from stratops.core.errors import UserError

MIGRATIONS_PACKAGE = "stratops.migrations"
T = TypeVar("T")


def script_location() -> Path:
    """The folder holding env.py and versions/, wherever `stratops.migrations` is installed.

    The package is a namespace package (no __init__.py, so the repository's
    alembic/ folder never shadows the alembic library); its search path may
    include entries that are not folders (editable-install hooks), so take the
    first folder that holds env.py.
    """
    spec = importlib.util.find_spec(MIGRATIONS_PACKAGE)
    for entry in (spec.submodule_search_locations or []) if spec else []:
        if (Path(entry) / "env.py").is_file():
            return Path(entry)
    raise RuntimeError(f"{MIGRATIONS_PACKAGE} has no env.py; the installation is incomplete")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config built in code; env.py runs on `connection` when one is given."""
    config = Config()
    config.set_main_option("script_location", str(script_location()).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision of the migration chain."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migration chain is empty"
    return head


LEGACY = "legacy"  # the downgrade target that undoes the adoption of a legacy database


def upgrade(db: str | Engine, revision: str = "head", adopt_legacy: bool = True) -> None:
    """Migrate the database up to `revision` (an id, `head` or `+N`); adopt a legacy one
    (only when `adopt_legacy`: what `stratops db upgrade` does, on the user's word)."""
    _with_connection(db, lambda conn: _upgrade(conn, revision, adopt_legacy))


def _upgrade(connection: Connection, revision: str, adopt_legacy: bool) -> None:
    from stratops.migrations.legacy import adoption

    legacy = adoption.legacy_revision(connection, _is_stratops_revision)
    if legacy is None:
        command.upgrade(alembic_config(connection), revision)
        adoption.after_upgrade(connection)
        return
    if not adopt_legacy:
        raise UserError(
            f"the database is the legacy engine's (revision {legacy}): adopt it with "
            "`stratops db upgrade --db URL` first (stop the legacy engine before)"
        )
    if revision != "head":
        raise UserError(
            f"legacy revision {legacy} is adopted straight to head: "
            "run `stratops db upgrade` without a revision"
        )
    adoption.adopt(connection, legacy, lambda conn: command.upgrade(alembic_config(conn), "head"))


def upgrade_to_head(db: str | Engine) -> None:
    """Bring the database to the newest schema; a no-op when it is already there.

    Used implicitly (a local runner, the demo): it never adopts a legacy database,
    which is a decision the user takes with `stratops db upgrade`."""
    upgrade(db, "head", adopt_legacy=False)


def downgrade(db: str | Engine, revision: str, discard_later_rows: bool = False) -> None:
    """Migrate the database down to `revision` (an id, `base` or `-N`), or roll an adopted
    legacy database back to its legacy revision (`legacy`)."""
    _with_connection(db, lambda conn: _downgrade(conn, revision, discard_later_rows))


def _downgrade(connection: Connection, revision: str, discard_later_rows: bool) -> None:
    from stratops.migrations.legacy import adoption

    to_base = lambda conn: command.downgrade(alembic_config(conn), "base")  # noqa: E731
    if revision == LEGACY:
        adoption.roll_back(connection, discard_later_rows, to_base)
        return
    command.downgrade(alembic_config(connection), revision)
    no_chain = MigrationContext.configure(connection).get_current_revision() is None
    if no_chain and adoption.is_adopted(connection):
        raise UserError(
            "this database was adopted from the legacy engine: below the first stratops "
            f"revision it is rolled back with `stratops db downgrade {LEGACY}`; nothing was changed"
        )


def stamp(db: str | Engine, revision: str) -> None:
    """Record `revision` without running migrations (for a schema built another way,
    which must match it exactly). Any foreign version is replaced."""
    _with_connection(db, lambda conn: command.stamp(alembic_config(conn), revision, purge=True))


def current_revision(db: str | Engine) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    return _with_connection(
        db, lambda conn: MigrationContext.configure(conn).get_current_revision()
    )


def is_at_head(db: str | Engine) -> bool:
    """True when the database has the newest schema (what the code expects)."""
    return current_revision(db) == head_revision()


def legacy_revision(db: str | Engine) -> str | None:
    """The legacy engine's revision of a database not adopted yet, else None."""
    from stratops.migrations.legacy import adoption

    return _with_connection(db, lambda conn: adoption.legacy_revision(conn, _is_stratops_revision))


def _is_stratops_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _with_connection(db: str | Engine, work: Callable[[Connection], T]) -> T:
    """Run `work` in one transaction; turn what a user can fix into a one-line UserError."""
    engine = create_engine_for(db) if isinstance(db, str) else db
    try:
        with _user_errors(engine), _transaction(engine) as connection:
            return work(connection)
    finally:
        if isinstance(db, str):
            engine.dispose()


@contextmanager
def _transaction(engine: Engine) -> Iterator[Connection]:
    """`engine.begin()`, but on SQLite with the transaction under our control, so that DDL
    is rolled back with everything else (pysqlite commits it on its own otherwise)."""
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            with connection.begin():
                yield connection
            return
        driver: Any = connection.connection.driver_connection
        previous = driver.isolation_level
        driver.isolation_level = None
        try:
            with connection.begin():
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                yield connection
        finally:
            driver.isolation_level = previous


@contextmanager
def _user_errors(engine: Engine) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise UserError(f"database {describe(engine.url)}: {reason}") from exc
    except CommandError as exc:
        raise UserError(str(exc)) from exc
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise UserError(f"database {describe(engine.url)}: {reason}; nothing was changed") from exc
