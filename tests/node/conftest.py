"""Fixtures of the node tier: one real node, the testnode overlay deployed once per session.

`scripts/k8s-testenv up DIR --node` starts a control plane and a node
(containerd, runc, CNI, kubelet, scheduler, kube-proxy, CoreDNS);
`scripts/k8s-testenv images DIR` builds the images from the project's own
Dockerfile and loads them; then `kubectl apply -k manifests/overlays/testnode`
deploys what users deploy.  Without root, the binaries or the Debian packages
the tier is skipped with the reason on a developer machine, and fails under CI.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..kubectl import Kubectl, find_kubectl
from .nodectl import node_kubectl, wait_rollout

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TESTENV = ROOT / "scripts" / "k8s-testenv"
NODE_TOOLS = ("containerd", "runc", "ctr", "iptables", "buildah", "debootstrap", "unshare", "go")
LOGS = ("kube-apiserver", "kube-controller-manager", "kubelet", "containerd", "kube-proxy")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "node: needs the real test node (tests/node)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.node)


@dataclass(frozen=True)
class Node:
    state_dir: Path
    kubectl: Kubectl

    def log_tail(self, name: str, lines: int = 30) -> str:
        try:
            text = (self.state_dir / f"{name}.log").read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


_RUNNING: list[Node] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On failure, attach the tails of the node's component logs."""
    report = yield
    if report.failed and _RUNNING and call.when != "teardown":
        for name in LOGS:
            report.sections.append((f"{name}.log (tail)", _RUNNING[-1].log_tail(name)))
    return report


def missing_prerequisites() -> list[str]:
    missing = []
    if os.geteuid() != 0:
        missing.append("root (namespaces, cgroups, mounts)")
    missing += [f"`{tool}`" for tool in NODE_TOOLS if shutil.which(tool) is None]
    if find_kubectl() is None:
        missing.append("kubectl")
    bin_dir = Path(
        subprocess.run([str(TESTENV), "bin-dir"], capture_output=True, text=True).stdout.strip()
    )
    for name in ("kubelet", "kube-scheduler", "kube-proxy", "coredns", "kube-apiserver"):
        if not (bin_dir / name).is_file():
            missing.append(f"{name} (run `scripts/k8s-testenv build`)")
    return missing


def testenv(*args: str, timeout: float) -> str:
    proc = subprocess.run([str(TESTENV), *args], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.splitlines()[-40:])
        pytest.fail(f"scripts/k8s-testenv {' '.join(args[:1])} failed:\n{tail}", pytrace=False)
    return proc.stderr


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A running node with the images loaded; `down` at the end whatever happened."""
    missing = missing_prerequisites()
    if missing:
        message = f"node tier needs {', '.join(missing)}"
        if in_ci():
            pytest.fail(f"CI is set and {message}", pytrace=False)
        pytest.skip(message)
    state = tmp_path_factory.mktemp("node")
    try:
        started = time.monotonic()
        testenv("up", str(state), "--node", timeout=180)
        print(f"node up in {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        testenv("images", str(state), timeout=1800)
        print(f"images built and loaded in {time.monotonic() - started:.1f}s")
        node = Node(state, node_kubectl(str(find_kubectl()), state / "kubeconfig"))
        _RUNNING.append(node)
        yield node
    finally:
        if _RUNNING:
            _RUNNING.pop()
        link = leftovers_before_down(state)
        subprocess.run([str(TESTENV), "down", str(state)], capture_output=True, timeout=120)
        left = leftovers(state, link)
        if left:
            pytest.fail(f"`k8s-testenv down` left behind: {'; '.join(left)}", pytrace=False)


def leftovers_before_down(state: Path) -> str | None:
    """The host end of the node's veth pair, to look for it after `down`."""
    try:
        info = json.loads((state / "cluster.json").read_text())
    except (OSError, ValueError):
        return None
    host_ip = info.get("node", {}).get("host_ip")
    out = subprocess.run(["ip", "-o", "-4", "addr"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if host_ip and f" {host_ip}/" in line:
            return line.split()[1]
    return None


def leftovers(state: Path, link: str | None) -> list[str]:
    """What `down` must remove: processes, mounts, the veth link, cgroups, node files."""
    found = []
    for pid_dir in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(state) in cmdline:
            found.append(f"process {pid_dir.name}: {cmdline[:80]}")
    mounts = Path("/proc/self/mountinfo").read_text()
    found += [f"mount {line.split()[4]}" for line in mounts.splitlines() if str(state) in line]
    if link and Path(f"/sys/class/net/{link}").exists():
        found.append(f"interface {link}")
    node_id = hashlib.sha256(str(state.resolve()).encode()).hexdigest()[:8]
    found += [f"cgroup {p}" for p in Path("/sys/fs/cgroup").glob(f"*/stratops-testnode-{node_id}")]
    if (state / "node").exists():
        found.append(f"{state / 'node'} (containerd and kubelet state)")
    return found


@pytest.fixture(scope="session")
def deployed(node: Node) -> Kubectl:
    """The testnode overlay applied as a user would (`make deploy` steps), every workload Ready."""
    kubectl = node.kubectl
    kubectl("apply", "--server-side", "-k", str(ROOT / "crds"), namespace=None)
    kubectl(
        "wait",
        "--for=condition=Established",
        "crd/tradingstrategies.trading.stratops.dev",
        "--timeout=60s",
        namespace=None,
    )
    overlay = ROOT / "manifests" / "overlays" / "testnode"
    kubectl("apply", "--server-side", "-k", str(overlay), namespace=None)
    wait_rollout(kubectl, "StatefulSet", "stratops-postgres", timeout=240)
    wait_rollout(kubectl, "Deployment", "stratops-operator", timeout=300)
    wait_rollout(kubectl, "Deployment", "stratops-api", timeout=240)
    return kubectl
