"""The TestKubelet double: what Job pods see (env, volumes, service account) and how they end."""

from __future__ import annotations

import base64
import json
import textwrap
from pathlib import Path

import pytest

from .controlplane import wait_for
from .fake_kubelet import TestKubelet, expand_vars, mount_rewriter
from .kubeclient import JsonObject, KubeClient

pytestmark = pytest.mark.cluster


def test_mount_paths_are_rewritten_only_as_path_prefixes() -> None:
    rewrite = mount_rewriter(
        {"/data": Path("/h/d"), "/data/cache": Path("/h/c"), "/tmp": Path("/h/t")}
    )
    assert rewrite("--dir=/data/x") == "--dir=/h/d/x"
    assert rewrite("/data/cache/f /data") == "/h/c/f /h/d"
    assert rewrite("/database /var/data /data.bak") == "/database /var/data /data.bak"
    assert rewrite("open('/tmp/x')") == "open('/h/t/x')"


def test_variable_expansion_follows_kubernetes_rules() -> None:
    env = {"A": "1"}
    assert expand_vars("$(A)-$(B)-$$(A)-$$", env) == "1-$(B)-$(A)-$"


def run_job(kube: KubeClient, namespace: str, name: str, pod_spec: JsonObject) -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name},
        "spec": {"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never", **pod_spec}}},
    }
    kube.create(f"/apis/batch/v1/namespaces/{namespace}/jobs", job)


def wait_job(kube: KubeClient, namespace: str, name: str, timeout: float = 30) -> str:
    def outcome() -> str | None:
        job = kube.get(f"/apis/batch/v1/namespaces/{namespace}/jobs/{name}")
        for condition in job.get("status", {}).get("conditions", []):
            if condition["type"] in ("Complete", "Failed") and condition["status"] == "True":
                return str(condition["type"])
        return None

    return wait_for(outcome, timeout=timeout, message=f"Job {name} did not finish")


def job_pod(kube: KubeClient, namespace: str, job: str) -> JsonObject:
    pods = kube.get(f"/api/v1/namespaces/{namespace}/pods", {"labelSelector": f"job-name={job}"})[
        "items"
    ]
    assert len(pods) == 1, [p["metadata"]["name"] for p in pods]
    return dict(pods[0])


WRITER = textwrap.dedent(
    """
    import json, os, ssl, urllib.request
    sa = "/var/run/secrets/kubernetes.io/serviceaccount"
    token = open(sa + "/token").read()
    ctx = ssl.create_default_context(cafile=os.environ["STRATOPS_SA_DIR"] + "/ca.crt")
    host, port = os.environ["KUBERNETES_SERVICE_HOST"], os.environ["KUBERNETES_SERVICE_PORT"]
    ns = open(sa + "/namespace").read()
    req = urllib.request.Request(
        f"https://{host}:{port}/api/v1/namespaces/{ns}/configmaps/settings",
        headers={"Authorization": "Bearer " + token},
    )
    with urllib.request.urlopen(req, context=ctx) as answer:
        api_greeting = json.load(answer)["data"]["greeting"]
    names = ["GREETING", "PASSWORD", "POD_NAME", "POD_NAMESPACE", "ACCOUNT", "OUT"]
    result = {name: os.environ[name] for name in names}
    result["conf"] = open("/etc/settings/app.conf").read()
    result["api_greeting"] = api_greeting
    with open("/data/result.json", "w") as out:
        json.dump(result, out)
    """
)


def setup_objects(kube: KubeClient, namespace: str) -> None:
    api = f"/api/v1/namespaces/{namespace}"
    kube.create(
        f"{api}/configmaps",
        {"metadata": {"name": "settings"}, "data": {"greeting": "hi", "app.conf": "x=1\n"}},
    )
    kube.create(
        f"{api}/secrets",
        {"metadata": {"name": "creds"}, "data": {"password": base64.b64encode(b"s3cret").decode()}},
    )
    kube.create(
        f"{api}/persistentvolumeclaims",
        {
            "metadata": {"name": "shared"},
            "spec": {
                "accessModes": ["ReadWriteMany"],
                "resources": {"requests": {"storage": "1Mi"}},
            },
        },
    )
    kube.create(f"{api}/serviceaccounts", {"metadata": {"name": "runner"}})
    rbac = f"/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}"
    rule = {
        "apiGroups": [""],
        "resources": ["configmaps"],
        "resourceNames": ["settings"],
        "verbs": ["get"],
    }
    kube.create(f"{rbac}/roles", {"metadata": {"name": "runner"}, "rules": [rule]})
    kube.create(
        f"{rbac}/rolebindings",
        {
            "metadata": {"name": "runner"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "runner"},
            "subjects": [{"kind": "ServiceAccount", "name": "runner", "namespace": namespace}],
        },
    )


def test_pod_gets_env_volumes_and_a_working_service_account(
    kube: KubeClient, namespace: str, test_kubelet: TestKubelet
) -> None:
    setup_objects(kube, namespace)
    env = [
        {
            "name": "GREETING",
            "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "greeting"}},
        },
        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}},
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "ACCOUNT", "valueFrom": {"fieldRef": {"fieldPath": "spec.serviceAccountName"}}},
        {"name": "OUT", "value": "/data/result.json"},
    ]
    run_job(
        kube,
        namespace,
        "writer",
        {
            "serviceAccountName": "runner",
            "volumes": [
                {"name": "cache", "persistentVolumeClaim": {"claimName": "shared"}},
                {"name": "settings", "configMap": {"name": "settings"}},
            ],
            "containers": [
                {
                    "name": "writer",
                    "image": "python",
                    "command": ["python", "-c", WRITER],
                    "env": env,
                    "volumeMounts": [
                        {"name": "cache", "mountPath": "/data"},
                        {"name": "settings", "mountPath": "/etc/settings", "readOnly": True},
                    ],
                }
            ],
        },
    )
    assert wait_job(kube, namespace, "writer") == "Complete", test_kubelet.logs(
        job_pod(kube, namespace, "writer")["metadata"]["name"], "stderr"
    )
    run_job(
        kube,
        namespace,
        "reader",
        {
            "volumes": [{"name": "cache", "persistentVolumeClaim": {"claimName": "shared"}}],
            "containers": [
                {
                    "name": "reader",
                    "image": "busybox",
                    "command": ["cat", "/mnt/cache/result.json"],
                    "volumeMounts": [{"name": "cache", "mountPath": "/mnt/cache"}],
                }
            ],
        },
    )
    assert wait_job(kube, namespace, "reader") == "Complete"

    result = json.loads(test_kubelet.logs(job_pod(kube, namespace, "reader")["metadata"]["name"]))
    writer_pod = job_pod(kube, namespace, "writer")["metadata"]["name"]
    assert result == {
        "GREETING": "hi",
        "PASSWORD": "s3cret",
        "POD_NAME": writer_pod,
        "POD_NAMESPACE": namespace,
        "ACCOUNT": "runner",
        "OUT": str(test_kubelet.work_dir / "volumes" / "pvc" / "shared" / "result.json"),
        "conf": "x=1\n",
        "api_greeting": "hi",
    }


def test_failing_container_fails_the_job_with_its_exit_code(
    kube: KubeClient, namespace: str, test_kubelet: TestKubelet
) -> None:
    run_job(
        kube,
        namespace,
        "fails",
        {
            "containers": [
                {
                    "name": "main",
                    "image": "busybox",
                    "command": ["sh", "-c", "echo oops >&2; exit 3"],
                }
            ],
        },
    )
    assert wait_job(kube, namespace, "fails") == "Failed"
    pod = job_pod(kube, namespace, "fails")
    assert pod["status"]["phase"] == "Failed"
    assert pod["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 3
    assert test_kubelet.logs(pod["metadata"]["name"], "stderr") == "oops\n"


def test_pod_waits_for_a_missing_config_map(
    kube: KubeClient, namespace: str, test_kubelet: TestKubelet
) -> None:
    env = [{"name": "LEVEL", "valueFrom": {"configMapKeyRef": {"name": "late", "key": "level"}}}]
    run_job(
        kube,
        namespace,
        "waits",
        {
            "containers": [
                {
                    "name": "main",
                    "image": "busybox",
                    "command": ["sh", "-c", "echo $LEVEL"],
                    "env": env,
                }
            ],
        },
    )

    def waiting_reason() -> str | None:
        pods = kube.get(
            f"/api/v1/namespaces/{namespace}/pods", {"labelSelector": "job-name=waits"}
        )["items"]
        statuses = pods[0].get("status", {}).get("containerStatuses", []) if pods else []
        return statuses[0]["state"].get("waiting", {}).get("reason") if statuses else None

    assert (
        wait_for(waiting_reason, timeout=30, message="pod never reported waiting")
        == "CreateContainerConfigError"
    )
    kube.create(
        f"/api/v1/namespaces/{namespace}/configmaps",
        {"metadata": {"name": "late"}, "data": {"level": "7"}},
    )
    assert wait_job(kube, namespace, "waits") == "Complete"
    assert test_kubelet.logs(job_pod(kube, namespace, "waits")["metadata"]["name"]) == "7\n"


def test_on_failure_restarts_in_place_and_keeps_empty_dir(
    kube: KubeClient, namespace: str, test_kubelet: TestKubelet
) -> None:
    script = "if [ -f /scratch/once ]; then echo second try; else touch /scratch/once; exit 1; fi"
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "retry"},
        "spec": {
            "backoffLimit": 2,
            "template": {
                "spec": {
                    "restartPolicy": "OnFailure",
                    "volumes": [{"name": "scratch", "emptyDir": {}}],
                    "containers": [
                        {
                            "name": "main",
                            "image": "busybox",
                            "command": ["sh", "-c", script],
                            "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}],
                        }
                    ],
                }
            },
        },
    }
    kube.create(f"/apis/batch/v1/namespaces/{namespace}/jobs", job)
    assert wait_job(kube, namespace, "retry") == "Complete"
    pod = job_pod(kube, namespace, "retry")
    status = pod["status"]["containerStatuses"][0]
    assert status["restartCount"] == 1
    assert status["lastState"]["terminated"]["exitCode"] == 1
    assert test_kubelet.logs(pod["metadata"]["name"]) == "second try\n"


def process_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_deleting_a_job_kills_its_running_process(
    kube: KubeClient, namespace: str, test_kubelet: TestKubelet
) -> None:
    # "$$$$" is Kubernetes' escape for the shell's "$$" (the process id).
    run_job(kube, namespace, "sleeper", {
        "volumes": [{"name": "scratch", "emptyDir": {}}],
        "containers": [{
            "name": "main", "image": "busybox",
            "command": ["sh", "-c", "echo $$$$ > /scratch/pid; exec sleep 300"],
            "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}],
        }],
    })  # fmt: skip
    pid_file = wait_for(
        lambda: next(test_kubelet.work_dir.glob("pods/sleeper-*/volumes/scratch/pid"), None),
        timeout=30,
        message="the sleeper pod never started",
    )
    pid = int(wait_for(lambda: pid_file.read_text().strip(), timeout=5, message="empty pid file"))
    assert process_alive(pid)

    jobs = f"/apis/batch/v1/namespaces/{namespace}/jobs"
    kube.delete(f"{jobs}/sleeper", {"propagationPolicy": "Background"})
    pods = f"/api/v1/namespaces/{namespace}/pods"
    wait_for(
        lambda: not kube.get(pods, {"labelSelector": "job-name=sleeper"})["items"],
        timeout=30,
        message="the pod of the deleted Job is still there",
    )
    assert not process_alive(pid)
