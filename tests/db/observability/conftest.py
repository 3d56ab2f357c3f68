"""Fixtures of the observability database tests: a ledger, the API on it, a scrape parser.

The API runs in process (ASGI transport, no server) on a migrated database,
once on SQLite and once on Postgres, with a fixed clock: Tuesday 2 December
2025, 18:00 in New York, a week after Thanksgiving.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from stratops.api.app import create_app
from stratops.api.settings import ApiSettings

NOW = dt.datetime(2025, 12, 2, 18, 0, tzinfo=ZoneInfo("America/New_York"))
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


class Api:
    """The app and a synchronous way to call it."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(self, path: str) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
                return await client.get(path)

        return asyncio.run(call())

    def scrape(self) -> Samples:
        """Every sample of `/metrics`, keyed by (sample name, labels)."""
        response = self.get("/metrics")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples
        }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


@pytest.fixture
def api(migrated_db_url: str, db_engine: Engine) -> Iterator[Api]:
    settings = ApiSettings(db_url=migrated_db_url, allow_writable_user=True)  # type: ignore[call-arg]
    app = create_app(settings, clock=lambda: NOW)
    yield Api(app)
    app.state.context.engine.dispose()
