"""One reconcile makes one primary election and hands it down (real API server, SQLite ledger).

The reconcile runs in this process, without kopf, so the test can count the
elections it makes; the writers it calls take the election as an argument
and never elect again themselves.
"""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from stratops.core import election as election_module
from stratops.core.contract import OPERATOR_MANAGER
from stratops.core.db import create_engine_for, upgrade_to_head
from stratops.core.kube import AsyncKubeClient
from stratops.core.kube.config import from_kubeconfig
from stratops.operator import reconcile as reconcile_module
from stratops.operator import writers
from stratops.operator.context import Context
from stratops.operator.resources import View
from stratops.operator.settings import OperatorSettings

from ..controlplane import ControlPlane
from ..kubeclient import KubeClient
from ..runner.support import create_strategy, example

pytestmark = pytest.mark.cluster


def test_one_reconcile_elects_once_and_writes_with_that_election(
    control_plane: ControlPlane,
    kube: KubeClient,
    namespace: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'ledger.db'}")
    upgrade_to_head(engine)
    settings = OperatorSettings(image="stratops:test", database_url=str(engine.url))  # type: ignore[arg-type]
    created = create_strategy(kube, namespace, example("v3-5d", primary=False))
    elections: list[Any] = []
    real_elect = election_module.elect

    def counted(*args: Any, **kwargs: Any) -> election_module.Election:
        elections.append(args)
        return real_elect(*args, **kwargs)

    monkeypatch.setattr(reconcile_module, "elect", counted)
    assert not hasattr(writers, "elect"), "the writers take the election, never make one"

    async def once() -> None:
        client = AsyncKubeClient(
            OPERATOR_MANAGER, partial(from_kubeconfig, control_plane.kubeconfig)
        )
        ctx = Context(settings=settings, engine=engine, kube=client)
        try:
            await reconcile_module.reconcile(ctx, View.from_body(created), [])
        finally:
            await client.close()

    asyncio.run(once())
    engine.dispose()
    assert len(elections) == 1
    after = kube.get(
        f"/apis/trading.stratops.dev/v1alpha1/namespaces/{namespace}/tradingstrategies/v3-5d"
    )
    status = after["status"]
    assert status["effectivePrimary"] is False
    assert status["observedGeneration"] == created["metadata"]["generation"]
    assert {c["type"] for c in status["conditions"]} >= {"Ready", "PrimaryConflict"}
    cronjob = kube.get(f"/apis/batch/v1/namespaces/{namespace}/cronjobs/v3-5d-runner")
    assert cronjob["spec"]["suspend"] is False
