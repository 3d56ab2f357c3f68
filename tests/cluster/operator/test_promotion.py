"""GitOps promotion of v3-5d over v3-5b, in every order a sync can apply it.

A watcher samples the statuses all along: at no moment may two resources be
the effective primary. Each order must end on v3-5d with one recorded move
to it, events on the resources, and the runners' priority and slot swapped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine

from ..controlplane import Kubectl, wait_for
from ..kubeclient import KubeClient
from ..operators import OperatorProcess
from .support import (
    CHILD_PATHS,
    TS,
    apply,
    condition,
    effective_primaries,
    events,
    manifest,
    primary_changes,
    wait_children,
    wait_status,
)

pytestmark = pytest.mark.cluster

Step = Callable[[KubeClient, Kubectl, str], None]


def flip_d_on(kube: KubeClient, kubectl: Kubectl, ns: str) -> None:
    apply(kubectl, ns, manifest("v3-5d", primary=True))


def flip_b_off(kube: KubeClient, kubectl: Kubectl, ns: str) -> None:
    apply(kubectl, ns, manifest("v3-5b", primary=False))


def both_in_one_sync(kube: KubeClient, kubectl: Kubectl, ns: str) -> None:
    apply(kubectl, ns, manifest("v3-5b", primary=False), manifest("v3-5d", primary=True))


def delete_b(kube: KubeClient, kubectl: Kubectl, ns: str) -> None:
    kube.delete(f"{TS.format(ns=ns)}/v3-5b")


ORDERS: dict[str, list[Step]] = {
    "d on, then b off": [flip_d_on, flip_b_off],
    "b off, then d on": [flip_b_off, flip_d_on],
    "both in one sync": [both_in_one_sync],
    "d on, then b deleted": [flip_d_on, delete_b],
    "b deleted, then d on": [delete_b, flip_d_on],
}
TRANSIENT = {"d on, then b off", "b off, then d on", "d on, then b deleted"}


@contextmanager
def watch_primaries(kube: KubeClient, namespace: str) -> Iterator[list[list[str]]]:
    """Sample effective primaries every 50 ms in a thread; yields the samples."""
    samples: list[list[str]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append(effective_primaries(kube, namespace))
            stop.wait(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join(timeout=5)


def runner_pod(kube: KubeClient, namespace: str, name: str) -> tuple[str, str]:
    cron = kube.get(CHILD_PATHS["cronjob"].format(ns=namespace, name=name))["spec"]
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    return pod["priorityClassName"], cron["schedule"]


@pytest.mark.parametrize("order", list(ORDERS))
def test_promotion_in_any_order(
    order: str,
    operator: OperatorProcess,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    engine: Engine,
) -> None:
    apply(kubectl, namespace, manifest("v3-5b"), manifest("v3-5d"))
    wait_children(kube, namespace, "v3-5d")
    wait_status(kube, namespace, "v3-5b", effectivePrimary=True)
    wait_status(kube, namespace, "v3-5d", effectivePrimary=False)
    assert primary_changes(engine, namespace) == [(None, "v3_5b")]

    with watch_primaries(kube, namespace) as samples:
        for step in ORDERS[order]:
            step(kube, kubectl, namespace)
            time.sleep(0.5)  # let the operator see the transient state
        final = wait_status(kube, namespace, "v3-5d", effectivePrimary=True, phase="Active")
        wait_for(lambda: effective_primaries(kube, namespace) == ["v3-5d"], 10, "only v3-5d")

    assert samples, "the watcher sampled nothing"
    assert max(len(s) for s in samples) <= 1, f"two primaries at once: {samples}"
    moves = primary_changes(engine, namespace)
    assert moves[0] == (None, "v3_5b")
    assert [m for m in moves[1:]] in ([("v3_5b", "v3_5d")], [(None, "v3_5d")])
    assert condition(final, "PrimaryConflict")["status"] == "False"
    assert runner_pod(kube, namespace, "v3-5d") == ("stratops-primary", "45 9 * * 1-5")
    if "deleted" not in order:
        assert runner_pod(kube, namespace, "v3-5b") == ("stratops-secondary", "50 9 * * 1-5")

    def promoted_event() -> bool:
        return any(
            r == "PrimaryChanged" and "to v3-5d" in m
            for _, r, m in events(kube, namespace, "v3-5d")
        )

    wait_for(promoted_event, 10, "a PrimaryChanged event on v3-5d")
    if order in TRANSIENT:
        names = ("v3-5b", "v3-5d")
        warnings = [
            e for n in names for e in events(kube, namespace, n) if e[1] == "PrimaryConflict"
        ]
        assert warnings, "the transient conflict was reported as Warning events"
        assert all(t == "Warning" for t, _, _ in warnings)


def test_conflict_is_visible_while_it_lasts(
    operator: OperatorProcess, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    apply(kubectl, namespace, manifest("v3-5b"), manifest("v3-5d"))
    wait_status(kube, namespace, "v3-5b", effectivePrimary=True)
    flip_d_on(kube, kubectl, namespace)
    d = wait_for(
        lambda: (
            (obj := kube.get(f"{TS.format(ns=namespace)}/v3-5d"))
            and condition(obj, "PrimaryConflict").get("status") == "True"
            and obj
        ),
        10,
        "PrimaryConflict=True on v3-5d",
    )
    assert condition(d, "PrimaryConflict")["reason"] == "MultipleClaims"
    assert "v3-5b keeps the primary role" in condition(d, "PrimaryConflict")["message"]
    assert effective_primaries(kube, namespace) == ["v3-5b"]
