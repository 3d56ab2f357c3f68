"""Fixtures for the runner's end-to-end test: a fresh Postgres database and PriorityClasses.

The database lives on the server named by STRATOPS_TEST_PG_URL (started by
`scripts/pg-testenv up DIR`), migrated to head as a deploy step would, and is
dropped afterwards. Without the server the test is skipped locally and fails
under CI.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from stratops.core.db import create_engine_for, parse_url, upgrade_to_head

from ..conftest import in_ci

PG_URL_ENV = "STRATOPS_TEST_PG_URL"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, migrated Postgres database for runner pods and the operator."""
    server = os.environ.get(PG_URL_ENV)
    if not server:
        reason = f"{PG_URL_ENV} is not set (start a server: scripts/pg-testenv up DIR)"
        if in_ci():
            pytest.fail(f"CI: {reason}", pytrace=False)
        pytest.skip(reason)
    name = f"stratops_e2e_{secrets.token_hex(6)}"
    admin = create_engine_for(server)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = parse_url(server).set(database=name).render_as_string(hide_password=False)
        upgrade_to_head(url)
        yield url
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
