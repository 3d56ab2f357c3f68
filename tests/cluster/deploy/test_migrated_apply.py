"""Migrated manifests and state ConfigMaps apply on a real cluster; the operator adopts the state.

The legacy fixture (tests/unit/legacy/fixture) with its database is migrated
into the test namespace; the ConfigMaps are created first (as docs/deploy.md
says), then the manifests are applied; the operator, running as its own
ServiceAccount, reconciles both strategies and leaves the migrated state text
exactly as it was, adding only its labels.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from stratops.core.cli import main
from stratops.core.db import PerformanceSnapshot, UnitOfWork, create_engine_for, upgrade_to_head

from ..controlplane import Kubectl, wait_for
from ..kubeclient import KubeClient
from .operator_as_sa import OperatorAsServiceAccount

pytestmark = pytest.mark.cluster

FIXTURE = Path(__file__).resolve().parents[2] / "unit" / "legacy" / "fixture"
TS = "/apis/trading.stratops.dev/v1alpha1/namespaces/{ns}/tradingstrategies/{name}"


def legacy_database(path: Path) -> str:
    """An adopted legacy database (as `stratops db upgrade` leaves it): one v3_5b snapshot
    holding the state.json positions. The real legacy shapes are adopted in tests/db/legacy."""
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    engine = create_engine_for(url)
    with UnitOfWork(engine) as session:
        session.add(
            PerformanceSnapshot(
                strategy_id="v3_5b", snapshot_date=dt.date(2026, 1, 16),
                timestamp=dt.datetime(2026, 1, 16, 21, 15, tzinfo=dt.UTC), total_equity=10412.37,
                cash=812.45, positions_value=9599.92, positions_json='{"QQQ": 13, "TQQQ": 38}',
            )
        )  # fmt: skip
    engine.dispose()
    return url


def migrate_into(namespace: str, out: Path, db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)
    code = main(
        [
            "migrate-registry", "--registry", "config/strategies_registry.yaml",
            "--state-root", "state/strategies", "--out", str(out), "--namespace", namespace,
            "--db", db,
        ]
    )  # fmt: skip
    assert code == 0


def ready(kube: KubeClient, namespace: str, name: str) -> bool:
    obj = kube.get(TS.format(ns=namespace, name=name))
    status = obj.get("status") or {}
    caught_up = status.get("observedGeneration") == obj["metadata"]["generation"]
    return caught_up and status.get("phase") == "Active"


def test_migrated_objects_apply_and_the_operator_adopts_the_state(
    operator_as_sa: OperatorAsServiceAccount,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "migrated"
    migrate_into(namespace, out, legacy_database(tmp_path / "legacy.db"), monkeypatch)
    kubectl("create", "-f", str(out / "state"), check=True)
    kubectl("apply", "-f", str(out / "strategies"), check=True)
    for name in ("v3-5b", "v3-5d"):
        wait_for(lambda n=name: ready(kube, namespace, n), 30, f"{name} never became Active")
    assert kube.get(TS.format(ns=namespace, name="v3-5b"))["status"]["effectivePrimary"] is True
    for name in ("v3-5b", "v3-5d"):
        written = yaml.safe_load((out / "state" / f"{name}-state.yaml").read_text())
        live = kube.get(f"/api/v1/namespaces/{namespace}/configmaps/{name}-state")
        assert live["data"] == written["data"], f"the operator changed {name}'s migrated state"
        labels = live["metadata"]["labels"]
        assert labels["app.kubernetes.io/managed-by"] == "stratops-operator"
        assert "stratops.dev/migrated-from" in live["metadata"]["annotations"]
