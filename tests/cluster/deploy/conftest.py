"""Fixtures of the deployment tests: the operator running under its own ServiceAccount."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from stratops.core.db import create_engine_for, upgrade_to_head

from ..controlplane import ControlPlane, Kubectl
from ..kubeclient import KubeClient
from .operator_as_sa import (
    OperatorAsServiceAccount,
    grant_operator_rbac,
    operator_env,
    release,
    sa_kubeconfig,
)


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
    priority_classes: None,
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
