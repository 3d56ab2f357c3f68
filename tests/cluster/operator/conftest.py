"""Fixtures for the operator tests: a migrated SQLite database and the operator process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from stratops.core.db import create_engine_for, upgrade_to_head

from ..controlplane import ControlPlane
from ..kubeclient import KubeClient
from ..operators import OperatorProcess, operator_lifetime


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'operator.db'}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine_for(db_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def operator(
    control_plane: ControlPlane,
    kube: KubeClient,
    namespace: str,
    engine: Engine,
    db_url: str,
    priority_classes: None,
    tmp_path: Path,
) -> Iterator[OperatorProcess]:
    proc = OperatorProcess(control_plane, namespace, db_url, tmp_path / "operator.log")
    yield from operator_lifetime(proc, kube, namespace)
