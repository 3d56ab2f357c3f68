"""An app for tests that only inspect routes and the schema: its SQLite file is never read."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from stratops.api.app import create_app
from stratops.api.settings import ApiSettings


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    database = tmp_path / "never-opened.db"
    database.touch()
    return create_app(ApiSettings(db_url=f"sqlite:///{database}"))
