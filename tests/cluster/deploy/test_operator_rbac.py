"""The operator's ServiceAccount, as granted by manifests/base, can do its job and no more.

Two proofs. First the operator itself runs in the test cluster authenticated
with a token of that ServiceAccount (no admin credential in its environment)
and does everything its code does: reconcile the example strategies, move the
primary, alert on a failed runner Job (reading the webhook Secret, annotating
the Job) and suspend the runner of a broken spec; its log shows no request was
forbidden. Second, `kubectl auth can-i --as` walks the verbs its code uses
(all allowed) and a list of things it must never do (all denied), Secrets it
does not need first among them.
"""

from __future__ import annotations

import re
import sys

import pytest

from ..controlplane import Kubectl, wait_for
from ..kubeclient import KubeClient
from .operator_as_sa import OperatorAsServiceAccount
from .support import MANIFESTS

pytestmark = pytest.mark.cluster

HTTP_403 = re.compile(r"(?<![\d.:])403(?![\dZ])")

TS = "/apis/trading.stratops.dev/v1alpha1/namespaces/{ns}/tradingstrategies"
GROUP = "tradingstrategies.trading.stratops.dev"
SWEEPS = "strategysweeps.trading.stratops.dev"
# (verb, resource[/name], extra kubectl flags): everything operator/stratops/operator uses.
NEEDED = [
    ("get", GROUP, ()), ("list", GROUP, ()), ("watch", GROUP, ()), ("patch", GROUP, ()),
    ("patch", GROUP, ("--subresource=status",)),
    ("get", SWEEPS, ()), ("list", SWEEPS, ()), ("watch", SWEEPS, ()), ("patch", SWEEPS, ()),
    ("patch", SWEEPS, ("--subresource=status",)),
    ("get", "configmaps", ()), ("create", "configmaps", ()), ("update", "configmaps", ()),
    ("patch", "configmaps", ()),
    ("create", "serviceaccounts", ()), ("patch", "serviceaccounts", ()),
    ("create", "persistentvolumeclaims", ()), ("patch", "persistentvolumeclaims", ()),
    ("create", "roles.rbac.authorization.k8s.io", ()),
    ("patch", "roles.rbac.authorization.k8s.io", ()),
    ("create", "rolebindings.rbac.authorization.k8s.io", ()),
    ("patch", "rolebindings.rbac.authorization.k8s.io", ()),
    ("get", "cronjobs.batch", ()), ("create", "cronjobs.batch", ()),
    ("patch", "cronjobs.batch", ()),
    ("list", "jobs.batch", ()), ("watch", "jobs.batch", ()), ("patch", "jobs.batch", ()),
    ("get", "jobs.batch", ()), ("create", "jobs.batch", ()),  # missed-run backfill
    ("create", "events", ()),
    ("get", "secrets/stratops-alert-webhook", ()),
    ("list", "customresourcedefinitions.apiextensions.k8s.io", ()),
    ("watch", "customresourcedefinitions.apiextensions.k8s.io", ()),
    ("list", "namespaces", ()), ("watch", "namespaces", ()),
]  # fmt: skip
FORBIDDEN = [
    ("get", "secrets", ()), ("list", "secrets", ()), ("watch", "secrets", ()),
    ("get", "secrets/stratops-db", ()), ("get", "secrets/stratops-api-db", ()),
    ("create", "secrets", ()), ("update", "secrets/stratops-alert-webhook", ()),
    ("delete", "configmaps", ()), ("list", "configmaps", ()),
    ("create", GROUP, ()), ("update", GROUP, ()), ("delete", GROUP, ()),
    ("create", SWEEPS, ()), ("delete", SWEEPS, ()),
    ("delete", "cronjobs.batch", ()), ("delete", "jobs.batch", ()),
    ("create", "pods", ()), ("create", "pods/exec", ()), ("get", "pods/log", ()),
    ("create", "deployments.apps", ()), ("delete", "persistentvolumeclaims", ()),
    ("escalate", "roles.rbac.authorization.k8s.io", ()),
    ("bind", "roles.rbac.authorization.k8s.io", ()),
    ("delete", "roles.rbac.authorization.k8s.io", ()),
    ("create", "clusterroles.rbac.authorization.k8s.io", ()),
    ("create", "clusterrolebindings.rbac.authorization.k8s.io", ()),
    ("create", "customresourcedefinitions.apiextensions.k8s.io", ()),
    ("get", "customresourcedefinitions.apiextensions.k8s.io", ()),
    ("get", "namespaces", ()), ("delete", "namespaces", ()),
    ("create", "priorityclasses.scheduling.k8s.io", ()),
    ("create", "configmaps", ("--namespace=default",)),
    ("list", GROUP, ("--namespace=default",)),
    ("get", "secrets/stratops-alert-webhook", ("--namespace=default",)),
]  # fmt: skip


def can_i(kubectl: Kubectl, who: str, namespace: str, verb: str, what: str, *extra: str) -> bool:
    proc = kubectl("auth", "can-i", verb, what, f"--as={who}", f"--namespace={namespace}", *extra)
    answer = proc.stdout.strip()
    assert answer in ("yes", "no"), proc.stderr
    return answer == "yes"


def test_service_account_may_do_what_the_operator_uses(
    kubectl: Kubectl, namespace: str, operator_sa_rbac: str
) -> None:
    denied = [
        (verb, what, extra)
        for verb, what, extra in NEEDED
        if not can_i(kubectl, operator_sa_rbac, namespace, verb, what, *extra)
    ]
    assert denied == []


def test_service_account_may_not_do_anything_else(
    kubectl: Kubectl, namespace: str, operator_sa_rbac: str
) -> None:
    allowed = [
        (verb, what, extra)
        for verb, what, extra in FORBIDDEN
        if can_i(kubectl, operator_sa_rbac, namespace, *(verb, what), *extra)
    ]
    assert allowed == []


def apply_examples(kubectl: Kubectl, namespace: str, **overrides: dict[str, object]) -> None:
    import yaml

    docs = []
    for name in ("v3-5b", "v3-5d"):
        doc = yaml.safe_load((MANIFESTS / "strategies" / f"{name}.yaml").read_text())
        doc["spec"].update(overrides.get(name, {}))
        docs.append(doc)
    kubectl("apply", "-f", "-", input=yaml.safe_dump_all(docs), namespace=namespace, check=True)


def status(kube: KubeClient, namespace: str, name: str) -> dict[str, object]:
    obj = kube.get(f"{TS.format(ns=namespace)}/{name}")
    caught_up = (obj.get("status") or {}).get("observedGeneration") == obj["metadata"]["generation"]
    return dict(obj.get("status") or {}) if caught_up else {}


def wait_for_status(kube: KubeClient, namespace: str, name: str, **expected: object) -> None:
    wait_for(
        lambda: all(status(kube, namespace, name).get(k) == v for k, v in expected.items()),
        timeout=30,
        message=lambda: f"{name}: {expected}, got {status(kube, namespace, name)}",
    )


def events(kube: KubeClient, namespace: str, name: str) -> list[tuple[str, str]]:
    items = kube.get(f"/api/v1/namespaces/{namespace}/events")["items"]
    return [
        (e["reason"], e.get("message", ""))
        for e in items
        if e["involvedObject"].get("name") == name
    ]


def failing_runner_job(namespace: str, strategy: str) -> dict[str, object]:
    labels = {
        "app.kubernetes.io/component": "runner",
        "app.kubernetes.io/managed-by": "stratops-operator",
        "stratops.dev/strategy": strategy,
    }
    container = {"name": "runner", "image": "stratops:test", "command": [sys.executable, "-c",
                 "raise SystemExit(3)"]}  # fmt: skip
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": f"{strategy}-runner-failed", "namespace": namespace, "labels": labels},
        "spec": {
            "backoffLimit": 0,
            "template": {
                "metadata": {"labels": labels},
                "spec": {"restartPolicy": "Never", "containers": [container]},
            },
        },
    }


def test_operator_does_its_whole_job_as_its_service_account(
    operator_as_sa: OperatorAsServiceAccount,
    test_kubelet: object,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
) -> None:
    apply_examples(kubectl, namespace)
    wait_for_status(kube, namespace, "v3-5b", phase="Active", effectivePrimary=True)
    wait_for_status(kube, namespace, "v3-5d", phase="Active", effectivePrimary=False)

    apply_examples(kubectl, namespace, **{"v3-5b": {"primary": False}, "v3-5d": {"primary": True}})
    wait_for_status(kube, namespace, "v3-5d", effectivePrimary=True)

    secret = {"url": "aHR0cDovLzEyNy4wLjAuMTo5Lw=="}  # http://127.0.0.1:9/ (nothing listens)
    kube.create(
        f"/api/v1/namespaces/{namespace}/secrets",
        {"apiVersion": "v1", "kind": "Secret",
         "metadata": {"name": "stratops-alert-webhook"}, "data": secret},
    )  # fmt: skip
    job = failing_runner_job(namespace, "v3-5d")
    kube.create(f"/apis/batch/v1/namespaces/{namespace}/jobs", job)
    job_path = f"/apis/batch/v1/namespaces/{namespace}/jobs/v3-5d-runner-failed"
    wait_for(
        lambda: (kube.get(job_path)["metadata"].get("annotations") or {}).get(
            "stratops.dev/alerted"
        ),
        timeout=60,
        message="the failed runner Job was never marked as alerted",
    )
    wait_for(
        lambda: any(
            reason == "AlertWebhookFailed" and "unreachable" in message
            for reason, message in events(kube, namespace, "v3-5d")
        ),
        timeout=30,
        message=lambda: f"no AlertWebhookFailed event: {events(kube, namespace, 'v3-5d')}",
    )

    apply_examples(kubectl, namespace, **{"v3-5b": {"primary": False},
                   "v3-5d": {"primary": True, "strategyClass": "No_Such_Strategy"}})  # fmt: skip
    wait_for_status(kube, namespace, "v3-5d", phase="Error")
    cronjob = f"/apis/batch/v1/namespaces/{namespace}/cronjobs/v3-5d-runner"
    wait_for(lambda: kube.get(cronjob)["spec"]["suspend"], 30, "broken runner not suspended")

    log = operator_as_sa.log()
    # An HTTP 403 (not the digits of a timestamp's milliseconds, as in "15:46:19.403Z").
    forbidden = [line for line in log.splitlines() if HTTP_403.search(line) or "orbidden" in line]
    assert forbidden == [], "\n".join(forbidden)
