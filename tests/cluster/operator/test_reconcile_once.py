"""One reconcile decides once and enters each step once (real API server, SQLite ledger).

The reconcile runs in this process, without kopf's loop, so the test can watch
every call it makes: the election rule runs once and everything downstream
reads its result; the database, the cluster writes and the shared market-data
refresh are each entered once, by an ordinary reconcile and by the one that
moves the primary role alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import kopf
import pytest
from kopf._core.engines import posting  # kopf's own event queue, set up as kopf does
from sqlalchemy import Engine, select

from stratops.core.contract import OPERATOR_MANAGER
from stratops.core.db import PrimaryChange, UnitOfWork, create_engine_for, upgrade_to_head
from stratops.core.kube import AsyncKubeClient
from stratops.core.kube.config import from_kubeconfig
from stratops.operator import reconcile as reconcile_module
from stratops.operator.context import Context
from stratops.operator.resources import View
from stratops.operator.settings import OperatorSettings

from ..controlplane import ControlPlane
from ..kubeclient import KubeClient
from ..runner.support import create_strategy, example
from .entries import ModuleEntries, counting

pytestmark = pytest.mark.cluster

TS = "/apis/trading.stratops.dev/v1alpha1/namespaces/{ns}/tradingstrategies"
# The steps of a reconcile: each entered once, whatever the reconcile does.
STEPS = (
    "stratops.core.election",
    "stratops.operator.mirror",
    "stratops.operator.writers",
    "stratops.operator.shared",
)
VALUES = "stratops.operator.resources"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'ledger.db'}")
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


class InProcess:
    """One operator context over the test API server; reconciles run one at a time."""

    def __init__(self, control_plane: ControlPlane, engine: Engine) -> None:
        settings = OperatorSettings(image="stratops:test", database_url=str(engine.url))
        self.ctx = Context(settings=settings, engine=engine)
        self.loader = partial(from_kubeconfig, control_plane.kubeconfig)
        self.events: list[tuple[str, str]] = []

    def reconcile(self, target: dict[str, Any], *others: dict[str, Any]) -> ModuleEntries:
        async def once() -> None:
            queue: asyncio.Queue[Any] = asyncio.Queue()
            posting.settings_var.set(kopf.OperatorSettings())
            posting.event_queue_var.set(queue)
            posting.event_queue_loop_var.set(asyncio.get_running_loop())
            self.ctx.kube = AsyncKubeClient(OPERATOR_MANAGER, self.loader)
            try:
                views = [View.from_body(o) for o in others]
                await reconcile_module.reconcile(self.ctx, View.from_body(target), views)
            finally:
                await self.ctx.kube.close()
            while not queue.empty():
                event = queue.get_nowait()
                self.events.append((event.ref["name"], event.reason))

        with counting() as entries:
            asyncio.run(once())
        return entries


def assert_each_step_entered_once(entries: ModuleEntries) -> None:
    assert {step: entries.entries[step] for step in STEPS} == dict.fromkeys(STEPS, 1)
    by_reconcile = dict(entries.from_module["stratops.operator.reconcile"])
    by_reconcile.pop(VALUES)  # reading a resource's fields is no step
    assert set(by_reconcile.values()) == {1}, f"the reconcile re-entered a module: {by_reconcile}"


def test_an_ordinary_reconcile_decides_once_and_enters_each_step_once(
    control_plane: ControlPlane, kube: KubeClient, namespace: str, engine: Engine
) -> None:
    created = create_strategy(kube, namespace, example("v3-5d", primary=False))
    operator = InProcess(control_plane, engine)
    entries = operator.reconcile(created)
    assert_each_step_entered_once(entries)
    status = kube.get(f"{TS.format(ns=namespace)}/v3-5d")["status"]
    assert status["effectivePrimary"] is False
    assert status["observedGeneration"] == created["metadata"]["generation"]
    assert {c["type"] for c in status["conditions"]} >= {"Ready", "PrimaryConflict"}
    cronjob = kube.get(f"/apis/batch/v1/namespaces/{namespace}/cronjobs/v3-5d-runner")
    assert cronjob["spec"]["suspend"] is False


def test_the_reconcile_that_moves_the_role_also_enters_each_step_once(
    control_plane: ControlPlane, kube: KubeClient, namespace: str, engine: Engine
) -> None:
    b = create_strategy(kube, namespace, example("v3-5b", primary=True))
    operator = InProcess(control_plane, engine)
    operator.reconcile(b)
    assert kube.get(f"{TS.format(ns=namespace)}/v3-5b")["status"]["effectivePrimary"] is True
    d = create_strategy(kube, namespace, example("v3-5d", primary=True))
    b = kube.merge_patch(f"{TS.format(ns=namespace)}/v3-5b", {"spec": {"primary": False}})
    entries = operator.reconcile(d, b)
    assert_each_step_entered_once(entries)
    statuses = {n: kube.get(f"{TS.format(ns=namespace)}/{n}")["status"] for n in ("v3-5b", "v3-5d")}
    assert (statuses["v3-5b"]["effectivePrimary"], statuses["v3-5d"]["effectivePrimary"]) == (
        False, True,
    )  # fmt: skip
    runners = {
        n: kube.get(f"/apis/batch/v1/namespaces/{namespace}/cronjobs/{n}-runner")
        for n in ("v3-5b", "v3-5d")
    }
    assert runners["v3-5d"]["spec"]["schedule"] == example("v3-5d")["spec"]["schedule"]
    assert runners["v3-5b"]["spec"]["schedule"] != example("v3-5b")["spec"]["schedule"]
    with UnitOfWork(engine) as session:
        moves = session.execute(
            select(PrimaryChange.from_strategy_id, PrimaryChange.to_strategy_id).order_by(
                PrimaryChange.id
            )
        ).all()
    assert [tuple(m) for m in moves] == [(None, "v3_5b"), ("v3_5b", "v3_5d")]
    assert ("v3-5b", "PrimaryChanged") in operator.events
    assert ("v3-5d", "PrimaryChanged") in operator.events
