"""Fixtures of the deployment tests: the operator running under its own ServiceAccount."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from stratops.core.db import create_engine_for, upgrade_to_head

from ..controlplane import ControlPlane, Kubectl
from ..kubeclient import ApiError, KubeClient
from .operator_as_sa import (
    OperatorAsServiceAccount,
    grant_operator_rbac,
    operator_env,
    release,
    sa_kubeconfig,
)
from .support import OVERLAYS, by_kind, kustomize


@pytest.fixture(scope="session")
def shipped_priority_classes(kube: KubeClient) -> None:
    """The PriorityClasses of manifests/base, created once (runner pods name them)."""
    for body in by_kind(kustomize(OVERLAYS["base"]), "PriorityClass"):
        try:
            kube.create("/apis/scheduling.k8s.io/v1/priorityclasses", body)
        except ApiError as err:
            if err.status_code != 409:
                raise


@pytest.fixture
def operator_db(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url = f"sqlite:///{tmp_path / 'operator.db'}"
    engine = create_engine_for(url)
    upgrade_to_head(engine)
    yield url, engine
    engine.dispose()


@pytest.fixture
def operator_sa_rbac(
    kubectl: Kubectl, kube: KubeClient, namespace: str, tmp_path: Path
) -> Iterator[str]:
    binding = grant_operator_rbac(kubectl, namespace, tmp_path / "rbac")
    yield f"system:serviceaccount:{namespace}:stratops-operator"
    kube.delete_if_present(f"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/{binding}")


@pytest.fixture
def operator_as_sa(
    control_plane: ControlPlane,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    operator_sa_rbac: str,
    operator_db: tuple[str, Engine],
    shipped_priority_classes: None,
    tmp_path: Path,
) -> Iterator[OperatorAsServiceAccount]:
    config = sa_kubeconfig(kubectl, control_plane, namespace, tmp_path / "sa.kubeconfig")
    env = operator_env(config, operator_db[0])
    proc = OperatorAsServiceAccount(namespace, env, tmp_path / "operator.log").start()
    yield proc
    try:
        release(kube, namespace)
    finally:
        proc.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On failure, attach the tail of the operator's log."""
    report = yield
    proc = getattr(item, "funcargs", {}).get("operator_as_sa")
    if report.failed and isinstance(proc, OperatorAsServiceAccount):
        report.sections.append(("operator log (tail)", proc.log()[-15000:]))
    return report
