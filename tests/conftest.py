"""Database fixtures for every tier that needs a database.

`db_url` runs a test twice: on a SQLite file and on a fresh Postgres database
(random name, created on the server named by STRATOPS_TEST_PG_URL and dropped
afterwards). `scripts/pg-testenv up DIR` starts such a server. Without it the
Postgres variant is skipped on a developer machine but fails under CI, where a
silently skipped dialect would hide a broken set-up. Databases start empty:
tests build the schema by running the migrations (`migrated_db_url`).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from stratops.core.db import create_engine_for, parse_url, upgrade_to_head

PG_URL_ENV = "STRATOPS_TEST_PG_URL"
DIALECTS = [
    pytest.param("sqlite", marks=pytest.mark.db),
    pytest.param("postgres", marks=[pytest.mark.db, pytest.mark.postgres]),
]


@pytest.fixture(params=DIALECTS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, once per dialect."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'stratops.db'}"
    else:
        yield from _fresh_postgres_database(_postgres_server_url())


@pytest.fixture
def migrated_db_url(db_url: str) -> str:
    """The URL of a database at the newest schema."""
    upgrade_to_head(db_url)
    return db_url


@pytest.fixture
def db_engine(migrated_db_url: str) -> Iterator[Engine]:
    """An Engine on a database at the newest schema."""
    engine = create_engine_for(migrated_db_url)
    yield engine
    engine.dispose()


def _postgres_server_url() -> str:
    url = os.environ.get(PG_URL_ENV)
    if url:
        return url
    reason = f"{PG_URL_ENV} is not set (start a server: scripts/pg-testenv up DIR)"
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _drop_database(admin: Engine, name: str, attempts: int = 5) -> None:
    """Drop a test database; a session that is just closing may hold it for a moment."""
    for attempt in range(attempts):
        try:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _fresh_postgres_database(server_url: str) -> Iterator[str]:
    name = f"stratops_t_{secrets.token_hex(6)}"
    admin = create_engine_for(server_url)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield parse_url(server_url).set(database=name).render_as_string(hide_password=False)
        _drop_database(admin, name)
    finally:
        admin.dispose()


REAL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """The real daily prices in ../shared/data; tests using them skip cleanly when absent."""
    if not (REAL_DATA / "QQQ.csv").is_file():
        pytest.skip(f"real price data not found at {REAL_DATA}")
    return REAL_DATA
