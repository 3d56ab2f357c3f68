"""Fixtures of the research tests: the operator, a kubelet, market data (Postgres: `pg_url`).

Sweep and backtest pods are real `stratops` processes on the test kubelet; they
write to a fresh Postgres database (several pods at once, as on a cluster) and
read the shared market-data volume, which is filled here with the synthetic
cache `stratops data fetch` writes (the market-data Job itself is tested by
the runner's end-to-end test).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import KUBELET_KEY
from ..controlplane import ControlPlane
from ..fake_kubelet import TestKubelet
from ..kubeclient import KubeClient, url_secret
from ..operators import OperatorProcess, operator_lifetime

SYMBOLS = "QQQ,TQQQ,PSQ,TLT,TMF,TMV"


@pytest.fixture(scope="session")
def synthetic_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic cache, 2016-2019, written by the real `stratops data fetch`."""
    cache = tmp_path_factory.mktemp("market") / "cache"
    command = [
        sys.executable, "-m", "stratops.core.cli", "data", "fetch", "--provider", "synthetic",
        "--symbols", SYMBOLS, "--start", "2016-01-04", "--end", "2019-12-31",
        "--cache", str(cache),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return cache


@pytest.fixture
def kubelet(
    kube: KubeClient,
    namespace: str,
    tmp_path: Path,
    synthetic_cache: Path,
    request: pytest.FixtureRequest,
) -> Iterator[TestKubelet]:
    """The test kubelet, its market-data volume already holding the cache before any pod runs."""
    volume = tmp_path / "kubelet" / "volumes" / "pvc" / "stratops-market-data"
    shutil.copytree(synthetic_cache, volume)
    node = TestKubelet(kube, namespace, tmp_path / "kubelet")
    request.node.stash[KUBELET_KEY] = node
    with node:
        yield node


@pytest.fixture
def db_secret(kube: KubeClient, namespace: str, pg_url: str) -> None:
    url_secret(kube, namespace, "stratops-db", pg_url)


@pytest.fixture
def operator(
    control_plane: ControlPlane,
    kube: KubeClient,
    namespace: str,
    pg_url: str,
    priority_classes: None,
    db_secret: None,
    tmp_path: Path,
) -> Iterator[OperatorProcess]:
    proc = OperatorProcess(control_plane, namespace, pg_url, tmp_path / "operator.log")
    proc.env["STRATOPS_OPERATOR_MISSED_RUN_CHECK_SECONDS"] = "3600"
    proc.env["STRATOPS_OPERATOR_SWEEP_MAX_SETS"] = "500"
    yield from operator_lifetime(proc, kube, namespace)
