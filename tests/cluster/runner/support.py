"""Helpers for the runner's cluster tests: a strategy's RBAC as the operator builds it, tokens."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import yaml

from stratops.core.contract import RUNNER_MANAGER
from stratops.core.kube import KubeClient as RunnerClient
from stratops.core.kube.config import from_token
from stratops.operator.children.common import Owner
from stratops.operator.children.rbac import build_role, build_role_binding, build_service_account

from ..kubeclient import JsonObject, KubeClient

REPO = Path(__file__).resolve().parents[3]
TS = "/apis/trading.stratops.dev/v1alpha1/namespaces/{ns}/tradingstrategies"
RBAC_COLLECTIONS = {
    "ServiceAccount": "/api/v1/namespaces/{ns}/serviceaccounts",
    "Role": "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles",
    "RoleBinding": "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings",
}


def example(name: str, **spec: object) -> JsonObject:
    """`manifests/strategies/<name>.yaml` with spec fields overridden."""
    doc: JsonObject = yaml.safe_load(
        (REPO / "manifests" / "strategies" / f"{name}.yaml").read_text()
    )
    doc["spec"].update(spec)
    return doc


def create_strategy(kube: KubeClient, namespace: str, doc: JsonObject) -> JsonObject:
    doc = {**doc, "metadata": {**doc["metadata"], "namespace": namespace}}
    return kube.create(TS.format(ns=namespace), doc)


def grant_runner_rbac(kube: KubeClient, namespace: str, strategy: JsonObject) -> str:
    """The ServiceAccount, Role and RoleBinding the operator gives `<name>-runner`; its name."""
    meta = strategy["metadata"]
    owner = Owner(meta["name"], namespace, meta["uid"], strategy["spec"]["strategyId"])
    for body in (build_service_account(owner), build_role(owner), build_role_binding(owner)):
        kube.create(RBAC_COLLECTIONS[body["kind"]].format(ns=namespace), body)
    return f"{meta['name']}-runner"


def service_account_token(kube: KubeClient, namespace: str, account: str) -> str:
    """A short-lived token for the ServiceAccount (TokenRequest API), as a pod would get."""
    body = {
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenRequest",
        "spec": {"expirationSeconds": 600},
    }
    path = f"/api/v1/namespaces/{namespace}/serviceaccounts/{account}/token"
    return str(kube.create(path, body)["status"]["token"])


def runner_client(kube: KubeClient, token: str | None = None) -> RunnerClient:
    """The runner's own client against the test API server (admin unless a token is given)."""
    endpoint = kube.endpoint
    load = partial(from_token, endpoint.server, token or endpoint.token, endpoint.ca_file)
    return RunnerClient(load, RUNNER_MANAGER)


def write_sa_dir(directory: Path, kube: KubeClient, token: str, namespace: str) -> Path:
    """What Kubernetes mounts into a pod: token, ca.crt, namespace."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "token").write_text(token)
    (directory / "ca.crt").write_bytes(kube.endpoint.ca_file.read_bytes())
    (directory / "namespace").write_text(namespace)
    return directory
