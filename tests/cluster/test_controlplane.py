"""The control plane itself: CRD schema and CEL, CronJob -> Job -> Pod, GC, RBAC, clean shutdown."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
import yaml

from .controlplane import Kubectl, read_control_plane, run_script, wait_for
from .fake_kubelet import TestKubelet
from .kubeclient import JsonObject, KubeClient, KubeError

pytestmark = pytest.mark.cluster

TSTRAT_API = "trading.stratops.dev/v1alpha1"


def trading_strategy(
    namespace: str, strategy_id: str = "v3_5b", initial_capital: float = 10000
) -> str:
    manifest = {
        "apiVersion": TSTRAT_API,
        "kind": "TradingStrategy",
        "metadata": {"name": "hierarchical-v3-5b", "namespace": namespace},
        "spec": {
            "strategyId": strategy_id,
            "displayName": "Hierarchical Adaptive v3.5b",
            "strategyClass": "Hierarchical_Adaptive_v3_5b",
            "initialCapital": initial_capital,
        },
    }
    return yaml.safe_dump(manifest)


EXPLAIN_FIELD = re.compile(r"^  (\w+)\t<")


def explained_fields(explain_output: str) -> dict[str, str]:
    """Parse the FIELDS section of `kubectl explain`: field name -> its description text.

    A field starts with "  name<TAB><type>"; an "  enum: ..." line may follow; the
    description lines are indented by four spaces.
    """
    fields: dict[str, str] = {}
    current: str | None = None
    _, _, section = explain_output.partition("\nFIELDS:\n")
    for line in section.splitlines():
        header = EXPLAIN_FIELD.match(line)
        if header:
            current = header.group(1)
            fields[current] = ""
        elif current and line.startswith("    "):
            fields[current] = f"{fields[current]} {line.strip()}".strip()
    return fields


def test_crd_is_established_and_explained(kubectl: Kubectl) -> None:
    explained = kubectl("explain", "tstrat.spec")
    assert explained.returncode == 0, explained.stderr
    fields = explained_fields(explained.stdout)
    assert {"strategyId", "strategyClass", "initialCapital"} <= fields.keys(), explained.stdout
    undocumented = [name for name, description in fields.items() if not description]
    assert not undocumented, f"spec fields without a description: {undocumented}"


def test_server_dry_run_accepts_a_valid_strategy(kubectl: Kubectl, namespace: str) -> None:
    result = kubectl("apply", "--dry-run=server", "-f", "-", input=trading_strategy(namespace))
    assert result.returncode == 0, result.stderr
    assert "(server dry run)" in result.stdout


def test_server_dry_run_rejects_negative_initial_capital(kubectl: Kubectl, namespace: str) -> None:
    result = kubectl(
        "apply",
        "--dry-run=server",
        "-f",
        "-",
        input=trading_strategy(namespace, initial_capital=-5),
    )
    assert result.returncode != 0
    assert "spec.initialCapital" in result.stderr
    assert "should be greater than" in result.stderr


def test_strategy_id_is_immutable(kubectl: Kubectl, namespace: str) -> None:
    kubectl("apply", "-f", "-", input=trading_strategy(namespace), check=True)
    result = kubectl(
        "apply",
        "--dry-run=server",
        "-f",
        "-",
        input=trading_strategy(namespace, strategy_id="other"),
    )
    assert result.returncode != 0
    assert "strategyId" in result.stderr
    assert "immutable" in result.stderr.lower()


def job_condition(kube: KubeClient, namespace: str, name: str) -> str | None:
    """'Complete' or 'Failed' once the Job controller has decided, else None."""
    job = kube.get(f"/apis/batch/v1/namespaces/{namespace}/jobs/{name}")
    for condition in job.get("status", {}).get("conditions", []):
        if condition["type"] in ("Complete", "Failed") and condition["status"] == "True":
            return str(condition["type"])
    return None


def test_cronjob_runs_a_job_to_completion(
    kube: KubeClient, namespace: str, test_kubelet: TestKubelet
) -> None:
    pod_spec = {
        "restartPolicy": "Never",
        "containers": [{"name": "hello", "image": "busybox", "command": ["echo", "hello"]}],
    }
    cronjob = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "hello"},
        "spec": {
            "schedule": "* * * * *",
            "concurrencyPolicy": "Forbid",
            "jobTemplate": {"spec": {"backoffLimit": 0, "template": {"spec": pod_spec}}},
        },
    }
    kube.create(f"/apis/batch/v1/namespaces/{namespace}/cronjobs", cronjob)

    def first_job() -> str | None:
        jobs = kube.get(f"/apis/batch/v1/namespaces/{namespace}/jobs")["items"]
        return str(jobs[0]["metadata"]["name"]) if jobs else None

    job = wait_for(first_job, timeout=75, message="the CronJob controller created no Job")
    outcome = wait_for(
        lambda: job_condition(kube, namespace, job),
        timeout=30,
        message=f"Job {job} neither completed nor failed",
    )
    assert outcome == "Complete"
    pods = kube.get(f"/api/v1/namespaces/{namespace}/pods", {"labelSelector": f"job-name={job}"})[
        "items"
    ]
    assert [pod["status"]["phase"] for pod in pods] == ["Succeeded"]
    assert test_kubelet.logs(pods[0]["metadata"]["name"]) == "hello\n"


def config_map(name: str, owner: JsonObject | None = None) -> JsonObject:
    metadata: JsonObject = {"name": name}
    if owner is not None:
        metadata["ownerReferences"] = [
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "name": owner["metadata"]["name"],
                "uid": owner["metadata"]["uid"],
            }
        ]
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": {"k": "v"}}


def test_garbage_collector_deletes_owned_objects(kube: KubeClient, namespace: str) -> None:
    base = f"/api/v1/namespaces/{namespace}/configmaps"
    owner = kube.create(base, config_map("owner"))
    kube.create(base, config_map("owned", owner))
    kube.create(base, config_map("bystander"))
    kube.delete(f"{base}/owner")
    wait_for(
        lambda: kube.get_or_none(f"{base}/owned") is None,
        timeout=30,
        message="owned ConfigMap survived",
    )
    assert kube.get_or_none(f"{base}/bystander") is not None


def grant_get_on_one_config_map(
    kube: KubeClient, namespace: str, account: str, allowed: str
) -> None:
    rbac = f"/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}"
    kube.create(f"/api/v1/namespaces/{namespace}/serviceaccounts", {"metadata": {"name": account}})
    rule = {
        "apiGroups": [""],
        "resources": ["configmaps"],
        "resourceNames": [allowed],
        "verbs": ["get"],
    }
    kube.create(f"{rbac}/roles", {"metadata": {"name": account}, "rules": [rule]})
    binding = {
        "metadata": {"name": account},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": account},
        "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": namespace}],
    }
    kube.create(f"{rbac}/rolebindings", binding)


def test_rbac_limits_a_service_account_to_its_config_map(
    kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    base = f"/api/v1/namespaces/{namespace}/configmaps"
    kube.create(base, config_map("mine"))
    kube.create(base, config_map("theirs"))
    grant_get_on_one_config_map(kube, namespace, "runner", "mine")
    user = f"--as=system:serviceaccount:{namespace}:runner"

    can_mine = kubectl("auth", "can-i", "get", "configmap/mine", user, namespace=namespace)
    can_theirs = kubectl("auth", "can-i", "get", "configmap/theirs", user, namespace=namespace)
    assert (can_mine.returncode, can_mine.stdout.strip()) == (0, "yes")
    assert (can_theirs.returncode, can_theirs.stdout.strip()) == (1, "no")

    token_request = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}}
    token = kube.create(
        f"/api/v1/namespaces/{namespace}/serviceaccounts/runner/token", token_request
    )
    with KubeClient(kube.endpoint, token=token["status"]["token"]) as runner:
        assert runner.get(f"{base}/mine")["data"] == {"k": "v"}
        with pytest.raises(KubeError) as denied:
            runner.get(f"{base}/theirs")
        assert denied.value.status == 403


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def alive(pid: int) -> bool:
    """Running and not a zombie (a reaped-late zombie holds no port and no files)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.usefixtures("control_plane")  # same preconditions (binaries present) as the tier
def test_down_leaves_no_process_and_no_port(tmp_path: Path) -> None:
    state = tmp_path / "plane"
    up = run_script("up", str(state))
    assert up.returncode == 0, up.stderr
    assert up.stdout.strip() == f"KUBECONFIG={state / 'kubeconfig'}"
    plane = read_control_plane(state)
    assert all(alive(pid) for pid in plane.pids.values())
    assert json.loads((state / "kubeconfig").read_text())["current-context"]

    down = run_script("down", str(state))
    assert down.returncode == 0, down.stderr
    assert [name for name, pid in plane.pids.items() if alive(pid)] == []
    assert [name for name, port in plane.ports.items() if listening(port)] == []
    assert not (state / "etcd-data").exists()
    again = run_script("down", str(state))
    assert again.returncode == 0, again.stderr
