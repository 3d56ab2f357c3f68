"""kubectl against the test node, with waits that fail naming the object and the reason.

A rollout that never finishes is the usual symptom of a broken image or a pod
spec the namespace's Pod Security profile refuses; a bare timeout would hide
which.  Every wait here therefore fails with one line naming the object, then
the reason found on its pods (waiting reason and message, last termination) or
on its ReplicaSet/StatefulSet/Job events (e.g. `FailedCreate ... violates
PodSecurity "restricted:latest"`). kubectl itself is the tiers' shared wrapper
(`tests/kubectl.py`), bound here to the `stratops` namespace and checked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..kubectl import Kubectl, wait_for

NAMESPACE = "stratops"
T = TypeVar("T")


class NodeTierError(AssertionError):
    """A wait on the test node failed; the message names the object."""


def node_kubectl(binary: str, kubeconfig: Path) -> Kubectl:
    """kubectl for the node tier: in the `stratops` namespace, every command checked."""
    return Kubectl(binary, kubeconfig, namespace=NAMESPACE, check=True, timeout=120)


# ------------------------------------------------------------------ diagnosis


def pod_problems(pod: dict[str, Any]) -> list[str]:
    """Why a pod is not running well: waiting reasons, failed terminations, scheduling."""
    name = pod["metadata"]["name"]
    found: list[str] = []
    status = pod.get("status", {})
    for cond in status.get("conditions", []):
        if cond.get("type") == "PodScheduled" and cond.get("status") == "False":
            found.append(f"pod {name}: unschedulable: {cond.get('message', '')}")
    statuses = status.get("initContainerStatuses", []) + status.get("containerStatuses", [])
    for cs in statuses:
        state = cs.get("state", {})
        waiting = state.get("waiting")
        if waiting and waiting.get("reason") not in (None, "ContainerCreating", "PodInitializing"):
            detail = f"{waiting['reason']}: {waiting.get('message', '')}"
            found.append(f"pod {name} container {cs['name']}: {detail}")
        last = cs.get("lastState", {}).get("terminated") or state.get("terminated")
        if last and last.get("exitCode", 0) != 0:
            found.append(
                f"pod {name} container {cs['name']}: exited {last.get('exitCode')} "
                f"({last.get('reason', '')}) {last.get('message', '')}".rstrip()
            )
    return found


def warning_events(kubectl: Kubectl, kind: str, name_prefix: str) -> list[str]:
    events = kubectl.json("events", "--field-selector", "type=Warning").get("items", [])
    found = []
    for ev in events:
        obj = ev.get("involvedObject", {})
        if obj.get("kind") == kind and str(obj.get("name", "")).startswith(name_prefix):
            found.append(f"{kind} {obj['name']}: {ev.get('reason')}: {ev.get('message', '')}")
    return found


def diagnose(kubectl: Kubectl, selector: str, owner_kinds: Sequence[tuple[str, str]]) -> str:
    """Pod problems matching SELECTOR plus Warning events of the owning objects."""
    problems: list[str] = []
    for pod in kubectl.json("pods", "-l", selector).get("items", []):
        problems += pod_problems(pod)
    for kind, prefix in owner_kinds:
        problems += warning_events(kubectl, kind, prefix)
    unique = list(dict.fromkeys(problems))
    return "; ".join(unique[-6:]) if unique else "no pod or event explains it"


def selector_of(obj: dict[str, Any]) -> str:
    labels = obj["spec"]["selector"]["matchLabels"]
    return ",".join(f"{k}={v}" for k, v in labels.items())


# ------------------------------------------------------------------ waits


# Failures no amount of waiting repairs: the pod is refused, or its container cannot
# start (missing entrypoint, image absent from the node). A CrashLoopBackOff is not
# among them: the operator's init container loops until Postgres answers.
FATAL = (
    "violates PodSecurity",
    "StartError",
    "RunContainerError",
    "CreateContainerError",
    "CreateContainerConfigError",
    "ErrImageNeverPull",
    "InvalidImageName",
)


def wait_rollout(kubectl: Kubectl, kind: str, name: str, timeout: float = 300) -> None:
    """Deployment or StatefulSet: every replica updated and ready (its probes pass).

    Fails at once, naming the object and the reason, on a failure in FATAL.
    """
    deadline = time.monotonic() + timeout
    owners = [(kind, name), ("ReplicaSet", name)] if kind == "Deployment" else [(kind, name)]
    obj: dict[str, Any] = {}
    while time.monotonic() < deadline:
        obj = kubectl.json(kind.lower(), name)
        status = obj.get("status", {})
        want = obj["spec"].get("replicas", 1)
        if (
            status.get("observedGeneration", 0) >= obj["metadata"]["generation"]
            and status.get("readyReplicas", 0) == want
            and status.get("updatedReplicas", 0) == want
        ):
            return
        why = diagnose(kubectl, selector_of(obj), owners)
        if any(marker in why for marker in FATAL):
            raise NodeTierError(f"{kind} {NAMESPACE}/{name} not ready: {why}")
        time.sleep(2)
    why = diagnose(kubectl, selector_of(obj), owners)
    raise NodeTierError(f"{kind} {NAMESPACE}/{name} not ready after {timeout:.0f}s: {why}")


def wait_job(kubectl: Kubectl, name: str, timeout: float = 300) -> dict[str, Any]:
    """A Job completes; fails at once when the Job fails, naming the pods' reasons."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = kubectl.json("job", name)
        for cond in job.get("status", {}).get("conditions", []):
            if cond["type"] == "Complete" and cond["status"] == "True":
                return dict(job)
            if cond["type"] == "Failed" and cond["status"] == "True":
                why = diagnose(kubectl, f"job-name={name}", [("Job", name)])
                raise NodeTierError(f"Job {NAMESPACE}/{name} failed ({cond.get('reason')}): {why}")
        time.sleep(2)
    why = diagnose(kubectl, f"job-name={name}", [("Job", name)])
    raise NodeTierError(f"Job {NAMESPACE}/{name} not complete after {timeout:.0f}s: {why}")


def wait_until(
    what: str, check: Callable[[], T | None], timeout: float = 60, interval: float = 1
) -> T:
    return wait_for(check, timeout, f"waiting for {what}", interval, NodeTierError)
