"""The operator as the base manifests deploy it: its own ServiceAccount, nothing else.

`grant_operator_rbac` applies the RBAC objects rendered from manifests/base into
a test namespace (the cluster-wide binding under a per-namespace name, so tests
do not share it); `sa_kubeconfig` writes a kubeconfig holding a TokenRequest
token of that ServiceAccount, so the operator process authenticates exactly as
its pod would, with no admin credentials anywhere in its environment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import yaml

from ..controlplane import ControlPlane, Kubectl, wait_for
from ..kubeclient import KubeClient
from .support import OVERLAYS, JsonObject, dump, render_into

RBAC_KINDS = {"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "RoleBinding"}
SERVICE_ACCOUNT = "stratops-operator"


def grant_operator_rbac(kubectl: Kubectl, namespace: str, work: Path) -> str:
    """Apply the operator's ServiceAccount and RBAC; the ClusterRoleBinding's test name."""
    objects = [o for o in render_into(OVERLAYS["base"], namespace, work) if o["kind"] in RBAC_KINDS]
    objects = [o for o in objects if o["metadata"]["name"].startswith("stratops-operator")]
    binding = f"stratops-operator-discovery-{namespace}"
    for obj in objects:
        if obj["kind"] == "ClusterRoleBinding":
            obj["metadata"]["name"] = binding
    kubectl("apply", "--server-side", "-f", "-", input=dump(objects), check=True)
    return binding


def sa_kubeconfig(kubectl: Kubectl, plane: ControlPlane, namespace: str, path: Path) -> Path:
    token = kubectl(
        "create", "token", SERVICE_ACCOUNT, "--duration=1h", namespace=namespace, check=True
    ).stdout.strip()
    config: JsonObject = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": "test",
                "cluster": {
                    "server": plane.endpoint.server,
                    "certificate-authority": str(plane.endpoint.ca_file),
                },
            }
        ],
        "users": [{"name": SERVICE_ACCOUNT, "user": {"token": token}}],
        "contexts": [
            {
                "name": "operator",
                "context": {"cluster": "test", "user": SERVICE_ACCOUNT, "namespace": namespace},
            }
        ],
        "current-context": "operator",
    }
    path.write_text(yaml.safe_dump(config))
    return path


def operator_env(kubeconfig: Path, db_url: str) -> dict[str, str]:
    """The process environment: no admin credential leaks in from the test's own env."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("KUBE", "STRATOPS_"))}
    return {
        **keep,
        "KUBECONFIG": str(kubeconfig),
        "STRATOPS_DB_URL": db_url,
        "STRATOPS_OPERATOR_IMAGE": "stratops:test",
        "STRATOPS_OPERATOR_MARKET_DATA_PROVIDER": "synthetic",
    }


class OperatorAsServiceAccount:
    """`stratops operator --standalone --namespace NS`, authenticated as the ServiceAccount."""

    def __init__(self, namespace: str, env: dict[str, str], log: Path) -> None:
        self.namespace = namespace
        self.env = env
        self.log_path = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> OperatorAsServiceAccount:
        command = [sys.executable, "-m", "stratops.operator", "--standalone"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*command, "--namespace", self.namespace],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def release(kube: KubeClient, namespace: str) -> None:
    """Delete the strategies while the operator runs, so its finalizers are released."""
    path = f"/apis/trading.stratops.dev/v1alpha1/namespaces/{namespace}/tradingstrategies"
    for item in kube.get(path)["items"]:
        kube.delete_if_present(f"{path}/{item['metadata']['name']}")
    wait_for(lambda: not kube.get(path)["items"], 30, f"strategies in {namespace} kept finalizers")
