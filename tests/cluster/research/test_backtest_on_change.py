"""Backtest-on-change on the real control plane: one Job per config hash, never a second."""

from __future__ import annotations

import pytest

from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.base import config_hash
from stratops.core.strategies.registry import build_strategy

from ..controlplane import Kubectl, wait_for
from ..fake_kubelet import TestKubelet
from ..kubeclient import JsonObject, KubeClient
from ..operators import OperatorProcess
from .support import TS, apply, condition, config_backtests, jobs, strategy

pytestmark = pytest.mark.cluster


def _hash(doc: JsonObject) -> str:
    spec = TradingStrategySpec.model_validate(doc["spec"])
    return config_hash(build_strategy(spec), spec)


def _resource(kube: KubeClient, namespace: str) -> JsonObject:
    return kube.get(f"{TS.format(ns=namespace)}/v3-5b")


def _backtest_ready(kube: KubeClient, namespace: str, digest: str) -> JsonObject | None:
    found = _resource(kube, namespace)
    ready = condition(found, "BacktestReady")
    current = (found.get("status") or {}).get("backtest", {}).get("configHash") == digest
    return found if current and ready.get("status") == "True" else None


def test_each_configuration_is_backtested_once_and_reported_in_status(
    operator: OperatorProcess,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    kubelet: TestKubelet,
    pg_url: str,
) -> None:
    first = strategy()
    digest = _hash(first)
    apply(kubectl, namespace, first)
    done = wait_for(
        lambda: _backtest_ready(kube, namespace, digest),
        240,
        lambda: f"BacktestReady: {_resource(kube, namespace).get('status')}",
        interval=1,
    )
    backtest = done["status"]["backtest"]
    assert backtest["job"] == f"v3-5b-bt-{digest[:10]}"
    assert (backtest["start"], backtest["end"]) == ("2016-01-04", "2019-12-31")
    assert isinstance(backtest["sharpe"], float)
    assert backtest["trades"] > 0
    assert condition(done, "BacktestReady")["reason"] == "Succeeded"
    assert condition(done, "Ready")["status"] == "True"  # the reconcile's condition survives
    assert config_backtests(pg_url) == [("v3_5b", digest)]
    table = kubectl("get", "tstrat", "v3-5b", namespace=namespace, check=True).stdout
    assert "BACKTEST SHARPE" in table
    assert f"{backtest['sharpe']:.4f}"[:4] in table

    apply(kubectl, namespace, {**first, "spec": {**first["spec"], "displayName": "renamed"}})
    operator.kill()
    operator.start()
    wait_for(lambda: _backtest_ready(kube, namespace, digest), 30, "status after restart")
    assert len(jobs(kube, namespace, "backtest")) == 1  # same hash: no second Job
    assert config_backtests(pg_url) == [("v3_5b", digest)]

    changed = strategy(sma_fast=30)
    new_digest = _hash(changed)
    apply(kubectl, namespace, changed)
    wait_for(lambda: _backtest_ready(kube, namespace, new_digest), 240, "the new backtest")
    names = sorted(j["metadata"]["name"] for j in jobs(kube, namespace, "backtest"))
    assert names == sorted([f"v3-5b-bt-{digest[:10]}", f"v3-5b-bt-{new_digest[:10]}"])
    assert config_backtests(pg_url) == [("v3_5b", digest), ("v3_5b", new_digest)]


def test_a_failed_backtest_is_a_condition_with_the_reason(
    operator: OperatorProcess,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    kubelet: TestKubelet,
) -> None:
    """A strategy whose hedge series is missing from the data: the Job fails, the reason shows."""
    doc = strategy(use_inverse_hedge=True, inverse_hedge_symbol="SQQQ")
    apply(kubectl, namespace, doc)

    def failed() -> JsonObject | None:
        found = _resource(kube, namespace)
        ready = condition(found, "BacktestReady")
        return found if ready.get("reason") == "JobFailed" else None

    found = wait_for(failed, 240, lambda: f"JobFailed: {_resource(kube, namespace).get('status')}")
    ready = condition(found, "BacktestReady")
    assert ready["status"] == "False"
    assert f"v3-5b-bt-{_hash(doc)[:10]}" in ready["message"]
