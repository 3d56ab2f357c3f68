"""The operator as a process on the real control plane, shared by every cluster test tier.

The operator runs as it does in production, as the `stratops operator`
process (standalone, watching the test's namespace), so a test can SIGKILL
and restart it. Before stopping it, `operator_lifetime` deletes the
namespace's TradingStrategies while the operator still runs, so its
finalizers are released and the namespace can be deleted.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import httpx

from .controlplane import ControlPlane, wait_for
from .kubeclient import KubeClient

TS_PATH = "/apis/trading.stratops.dev/v1alpha1/namespaces/{ns}/tradingstrategies"


class OperatorProcess:
    """`stratops operator --standalone --namespace NS` with its log in a file."""

    def __init__(self, plane: ControlPlane, namespace: str, db_url: str, log: Path) -> None:
        self.namespace = namespace
        self.log_path = log
        self.env = {
            **os.environ,
            "KUBECONFIG": str(plane.kubeconfig),
            "STRATOPS_DB_URL": db_url,
            "STRATOPS_OPERATOR_IMAGE": "stratops:test",
            "STRATOPS_OPERATOR_MARKET_DATA_PROVIDER": "synthetic",
            "STRATOPS_OPERATOR_METRICS_PORT": "0",
        }
        self.entry = ["-m", "stratops.operator"]  # a test entry point may wrap it
        self.process: subprocess.Popen[bytes] | None = None
        self.liveness_port = free_port()

    def start(self) -> OperatorProcess:
        command = [sys.executable, *self.entry, "--standalone"]
        if os.environ.get("STRATOPS_TEST_OPERATOR_VERBOSE"):
            command.append("--verbose")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    *command,
                    "--namespace",
                    self.namespace,
                    "--liveness-port",
                    str(self.liveness_port),
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        """Until kopf serves its liveness endpoint: start-up (imports) can take seconds,
        and the tests time the operator's reconciling, not Python's start-up."""
        url = f"http://127.0.0.1:{self.liveness_port}/healthz"

        def answers() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"the operator exited:\n{self.log()[-5000:]}")
            try:
                return httpx.get(url, timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(answers, timeout, "the operator's liveness endpoint")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no finalizer bookkeeping, exactly like a node loss."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


P = TypeVar("P", bound=OperatorProcess)


def operator_lifetime(proc: P, kube: KubeClient, namespace: str) -> Iterator[P]:
    """Start the operator, hand it to the test, then release the namespace and stop it."""
    proc.start()
    yield proc
    try:
        if proc.process is not None and proc.process.poll() is not None:
            proc.start()  # a test that killed it: let it release the finalizers
        release_strategies(kube, namespace)
    finally:
        proc.stop()


def release_strategies(kube: KubeClient, namespace: str) -> None:
    path = TS_PATH.format(ns=namespace)
    for item in kube.get(path)["items"]:
        kube.delete_if_present(f"{path}/{item['metadata']['name']}")
    wait_for(
        lambda: not kube.get(path)["items"],
        timeout=120,
        message=f"TradingStrategies in {namespace} kept their finalizers",
    )
