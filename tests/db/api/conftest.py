"""Fixtures of the API database tests: a scenario's ledger in a per-test database, an app
connected the way a deployment connects (read-only user on Postgres), and a client.

`api_db(name)` copies the ledger of scenario `name` (built once per session, see
ledger.py) into the per-test database of tests/conftest.py's `migrated_db_url`,
once per dialect.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from stratops.api.app import create_app
from stratops.api.settings import ApiSettings
from stratops.core.db import create_engine_for, parse_url

from .ledger import SCENARIOS, build, copy_ledger

READONLY_ROLE = "stratops_readonly"
PG_URL_ENV = "STRATOPS_TEST_PG_URL"
# A fixed "now" for health: 2024-06-21 is a Friday; with an hour of grace the
# open-timed strategies are expected to have run for that day.
NOW = dt.datetime(2024, 6, 21, 18, 0, tzinfo=dt.UTC)


class ApiClient:
    """A synchronous client that calls the ASGI app in process (no server, no thread)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(
        self, path: str, params: Any = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
                return await client.get(path, params=params, headers=headers)

        return asyncio.run(call())

    def json(self, path: str, params: Any = None) -> Any:
        response = self.get(path, params)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()


@pytest.fixture(scope="session")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Scenario name -> a SQLite file with its ledger, built on first use."""
    workdir = tmp_path_factory.mktemp("ledgers")
    built: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in built:
            built[name] = build(SCENARIOS[name], workdir)
        return built[name]

    return get


@pytest.fixture(scope="session")
def dashboards_dir(ledgers: Callable[[str], Path]) -> Path:
    """The folder where the scenarios' backtests exported their dashboard CSVs."""
    return ledgers("ranges").parent / "dashboards"


@pytest.fixture(scope="session")
def readonly_login() -> Iterator[Callable[[str], str]]:
    """Turn a Postgres test URL into one for a login role that is only a member of
    stratops_readonly (as a deployment's API user is); SQLite URLs pass through."""
    created: list[tuple[str, str]] = []
    password = secrets.token_hex(12)

    def login_for(url: str) -> str:
        parsed = parse_url(url)
        if parsed.get_backend_name() != "postgresql":
            return url
        if not created:
            name = f"stratops_api_t_{secrets.token_hex(4)}"
            server = os.environ[PG_URL_ENV]  # set, or the Postgres variant was skipped
            admin = create_engine_for(server)
            with admin.begin() as conn:
                conn.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'"))
                conn.execute(text(f"GRANT {READONLY_ROLE} TO {name}"))
            admin.dispose()
            created.append((name, server))
        user = created[0][0]
        return parsed.set(username=user, password=password).render_as_string(hide_password=False)

    yield login_for
    for name, url in created:
        admin = create_engine_for(url)
        with admin.begin() as conn:
            conn.execute(text(f"DROP ROLE IF EXISTS {name}"))
        admin.dispose()


@pytest.fixture
def api_db(migrated_db_url: str, ledgers: Callable[[str], Path]) -> Callable[[str], str]:
    """Fill the per-test database with a scenario's ledger; returns its (admin) URL."""

    def fill(name: str) -> str:
        copy_ledger(ledgers(name), migrated_db_url)
        return migrated_db_url

    return fill


@pytest.fixture
def make_client(
    api_db: Callable[[str], str],
    readonly_login: Callable[[str], str],
    dashboards_dir: Path,
) -> Iterator[Callable[..., ApiClient]]:
    """`make_client(scenario)`: an app on that scenario's ledger, as the read-only user."""
    apps: list[FastAPI] = []

    def make(name: str, **settings: Any) -> ApiClient:
        url = readonly_login(api_db(name))
        settings.setdefault("dashboards_dir", dashboards_dir if name != "empty" else None)
        config = ApiSettings(db_url=url, **settings)
        app = create_app(config, clock=lambda: NOW)
        apps.append(app)
        return ApiClient(app)

    yield make
    for app in apps:
        app.state.context.engine.dispose()


@pytest.fixture(autouse=True)
def _postgres_drops_cleanly(request: pytest.FixtureRequest) -> Iterator[None]:
    """Drop a test's Postgres database here, retrying, before tests/conftest.py's
    `DROP DATABASE IF EXISTS` (then a no-op) runs.

    An autovacuum worker, or a server process whose client just disconnected, has
    no role the test user may signal; `DROP DATABASE ... WITH (FORCE)` fails while
    one is attached. Such processes are gone within moments, so try again.
    """
    url = request.getfixturevalue("db_url") if "db_url" in request.fixturenames else None
    yield
    if url is None or parse_url(url).get_backend_name() != "postgresql":
        return
    server = create_engine_for(os.environ[PG_URL_ENV])
    drop = text(f'DROP DATABASE IF EXISTS "{parse_url(url).database}" WITH (FORCE)')
    try:
        for attempt in range(200):
            try:
                with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(drop)
                return
            except DBAPIError:
                if attempt == 199:
                    raise
                time.sleep(0.05)
    finally:
        server.dispose()
