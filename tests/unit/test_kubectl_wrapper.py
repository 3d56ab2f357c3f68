"""The tiers' one kubectl wrapper: its defaults, a call's overrides, and checked failures.

A stand-in executable that prints the arguments it was given plays kubectl here
(the real one needs an API server; the cluster and node tiers run it for real).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from ..kubectl import Kubectl, KubectlError, wait_for

ECHO = """#!/bin/sh
case "$*" in *fail*) echo "error: asked to fail" >&2; exit 3;; esac
printf '{"args": "%s"}' "$*"
"""


@pytest.fixture
def echo(tmp_path: Path) -> str:
    binary = tmp_path / "kubectl-echo"
    binary.write_text(ECHO)
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    return str(binary)


def _args(proc_stdout: str) -> str:
    args: str = json.loads(proc_stdout)["args"]
    return args


def test_the_wrapper_namespace_applies_unless_a_call_names_its_own_or_none(echo: str) -> None:
    kubectl = Kubectl(echo, Path("/k/config"), namespace="stratops")
    assert _args(kubectl("get", "pods").stdout) == (
        "--kubeconfig=/k/config --namespace=stratops get pods"
    )
    assert "--namespace=other" in _args(kubectl("get", "pods", namespace="other").stdout)
    assert "--namespace" not in _args(kubectl("get", "crds", namespace=None).stdout)
    assert "--namespace" not in _args(Kubectl(echo, Path("/k/config"))("get", "crds").stdout)


def test_a_failure_raises_only_when_checked(echo: str) -> None:
    unchecked = Kubectl(echo, Path("/k/config"))
    assert unchecked("fail").returncode == 3
    with pytest.raises(KubectlError, match=r"kubectl fail failed \(3\): error: asked to fail"):
        unchecked("fail", check=True)
    checked = Kubectl(echo, Path("/k/config"), check=True)
    with pytest.raises(KubectlError):
        checked("fail")
    assert checked("fail", check=False).returncode == 3


def test_json_reads_get_output(echo: str) -> None:
    kubectl = Kubectl(echo, Path("/k/config"), namespace="ns")
    assert (
        kubectl.json("pod", "p")["args"]
        == "--kubeconfig=/k/config --namespace=ns get pod p -o json"
    )


def test_wait_for_returns_the_first_truthy_value_or_raises_the_given_error() -> None:
    values = iter([None, 0, "ready"])
    assert wait_for(lambda: next(values), 5, "never", interval=0) == "ready"

    class TierError(AssertionError):
        pass

    with pytest.raises(TierError, match="timed out after 0s: nothing came"):
        wait_for(lambda: None, 0, lambda: "nothing came", interval=0, error=TierError)
