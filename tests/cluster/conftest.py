"""Fixtures of the cluster tier: one real control plane per session, a namespace per test.

Shared by the tiers below: a fresh migrated Postgres database per test (`pg_url`,
on the server STRATOPS_TEST_PG_URL names); `url_secret` (from kubeclient.py) writes
the one-key Secrets pods read their URLs from.

The control plane (etcd, kube-apiserver, kube-controller-manager built by
`scripts/k8s-testenv build`) starts once per session, gets the CRDs from
crds/ installed, and is stopped at the end whatever happened.  Without the
binaries the tier is skipped on a developer machine, but fails under CI
(CI=true), where a silently skipped tier would hide a broken build step.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

import pytest
import yaml
from sqlalchemy import text

from stratops.core.db import create_engine_for, parse_url, upgrade_to_head

from .controlplane import (
    COMPONENTS,
    ControlPlane,
    ControlPlaneError,
    Kubectl,
    crd_files,
    find_kubectl,
    install_crds,
    missing_tools,
    start,
    stop,
    tail,
    wait_for,
)
from .fake_kubelet import TestKubelet
from .kubeclient import KubeClient, KubeError
from .webhook import Receiver

HERE = Path(__file__).resolve().parent
KUBELET_KEY = pytest.StashKey[TestKubelet]()
_RUNNING: list[ControlPlane] = []


PG_URL_ENV = "STRATOPS_TEST_PG_URL"
PRIORITY_CLASSES_FILE = Path(__file__).resolve().parents[2] / "manifests/base/priorityclasses.yaml"


@runtime_checkable
class LoggedProcess(Protocol):
    """A process a test started (the operator, in its variants) whose log helps on failure."""

    log_path: Path

    def log(self) -> str: ...


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker here too, so this tier runs even before pyproject declares it."""
    config.addinivalue_line(
        "markers", "cluster: needs the real Kubernetes control plane (tests/cluster)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/cluster is a cluster test: `-m "not cluster"` deselects the tier."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.cluster)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On failure, attach the tails of the component logs and of the test kubelet's pods."""
    report = yield
    if report.failed and _RUNNING and "control_plane" in getattr(item, "fixturenames", ()):
        plane = _RUNNING[-1]
        for component in COMPONENTS:
            report.sections.append((f"{component}.log (tail)", plane.log_tail(component)))
        kubelet = item.stash.get(KUBELET_KEY, None)
        if kubelet is not None:
            report.sections.append(("test kubelet journal", kubelet.journal()))
            for pod in kubelet.pod_names():
                for stream in ("stdout", "stderr"):
                    text = tail(kubelet.pod_dir(pod) / stream, 40)
                    report.sections.append((f"pod {pod} {stream} (tail)", text))
        for name, value in getattr(item, "funcargs", {}).items():
            if isinstance(value, LoggedProcess):
                report.sections.append((f"{name} log (tail)", value.log()[-15000:]))
    return report


@pytest.fixture(scope="session")
def control_plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlPlane]:
    """One control plane for the whole session, CRDs from crds/ installed and Established."""
    missing = missing_tools()
    if missing:
        message = f"cluster tier needs {', '.join(missing)}; run `scripts/k8s-testenv build`"
        if in_ci():
            pytest.fail(f"CI is set and {message}", pytrace=False)
        pytest.skip(message)
    state_dir = tmp_path_factory.mktemp("controlplane")
    try:
        plane = start(state_dir)
    except ControlPlaneError as err:
        stop(state_dir)
        pytest.fail(str(err), pytrace=False)
    _RUNNING.append(plane)
    try:
        install_crds(Kubectl(str(find_kubectl()), plane.kubeconfig), crd_files())
        yield plane
    finally:
        _RUNNING.remove(plane)
        stop(state_dir)


@pytest.fixture(scope="session")
def kube(control_plane: ControlPlane) -> Iterator[KubeClient]:
    """Admin API client (httpx, token of a system:masters user)."""
    with KubeClient(control_plane.endpoint) as client:
        yield client


@pytest.fixture(scope="session")
def kubectl(control_plane: ControlPlane) -> Kubectl:
    """`kubectl(*args, input=..., namespace=..., check=...)` -> CompletedProcess[str]."""
    return Kubectl(str(find_kubectl()), control_plane.kubeconfig)


def namespace_name(test_name: str) -> str:
    """A DNS-1123 label derived from the test name, unique per call."""
    slug = "".join(c if c.isalnum() else "-" for c in test_name.lower()).strip("-")
    slug = "-".join(part for part in slug.split("-") if part)[:40].strip("-")
    return f"t-{slug}-{secrets.token_hex(3)}"


@pytest.fixture
def namespace(kube: KubeClient, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh namespace (with its default ServiceAccount) per test, deleted afterwards."""
    name = namespace_name(request.node.name)
    kube.create(
        "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    )
    wait_for(
        lambda: kube.get_or_none(f"/api/v1/namespaces/{name}/serviceaccounts/default"),
        timeout=30,
        message=f"serviceaccount-controller did not create the default ServiceAccount in {name}",
    )
    yield name
    kube.delete_if_present(f"/api/v1/namespaces/{name}")


@pytest.fixture
def test_kubelet(
    kube: KubeClient, namespace: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[TestKubelet]:
    """The test kubelet double, running the Job pods of this test's namespace."""
    kubelet = TestKubelet(kube, namespace, tmp_path / "kubelet")
    request.node.stash[KUBELET_KEY] = kubelet
    with kubelet:
        yield kubelet


@pytest.fixture(scope="session")
def priority_classes(kube: KubeClient) -> None:
    """The PriorityClasses runner pods name, exactly as manifests/base ships them."""
    for body in yaml.safe_load_all(PRIORITY_CLASSES_FILE.read_text()):
        try:
            kube.create("/apis/scheduling.k8s.io/v1/priorityclasses", body)
        except KubeError as err:
            if err.status != 409:
                raise


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local alert webhook that records what the operator or runner POSTs."""
    with Receiver() as rec:
        yield rec


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database on the Postgres server of STRATOPS_TEST_PG_URL (started by
    `scripts/pg-testenv up DIR`), migrated to head as a deploy step would, dropped after.
    Without the server the test is skipped locally and fails under CI."""
    server = os.environ.get(PG_URL_ENV)
    if not server:
        reason = f"{PG_URL_ENV} is not set (start a server: scripts/pg-testenv up DIR)"
        if in_ci():
            pytest.fail(f"CI: {reason}", pytrace=False)
        pytest.skip(reason)
    name = f"stratops_cluster_{secrets.token_hex(6)}"
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
