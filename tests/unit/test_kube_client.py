"""The shared Kubernetes client, pure parts: where the server is, and the REST paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratops.core.contract import runner_name, state_configmap_name
from stratops.core.errors import UserError
from stratops.core.kube import object_path, strategy_path, strategy_status_path
from stratops.core.kube.config import DEFAULT_SA_DIR, in_cluster, server_url
from stratops.runner.settings import RunnerSettings


def test_server_url_brackets_ipv6_hosts() -> None:
    assert server_url("10.96.0.1", "443") == "https://10.96.0.1:443"
    assert server_url("fd00::1", "6443") == "https://[fd00::1]:6443"
    assert server_url("[fd00::1]", "6443") == "https://[fd00::1]:6443"


def test_service_account_dir_honours_the_test_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRATOPS_SA_DIR", raising=False)
    assert RunnerSettings().sa_dir == DEFAULT_SA_DIR
    monkeypatch.setenv("STRATOPS_SA_DIR", "/tmp/sa")
    assert str(RunnerSettings().sa_dir) == "/tmp/sa"


def test_outside_a_cluster_is_one_clear_error() -> None:
    with pytest.raises(UserError, match="KUBERNETES_SERVICE_HOST is not set"):
        in_cluster(None, None)


def test_a_missing_service_account_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"token: the ServiceAccount file is missing"):
        in_cluster("10.96.0.1", "443", tmp_path)


def test_in_cluster_reads_the_token_file_not_a_copy(tmp_path: Path) -> None:
    """The token stays a file reference, so a rotated token is read again on a 401."""
    for name, text in (("token", "t0"), ("ca.crt", "x"), ("namespace", "trading\n")):
        (tmp_path / name).write_text(text)
    config = in_cluster("10.96.0.1", None, tmp_path)
    assert config.cluster.server == "https://10.96.0.1:443"
    assert config.user.token_file == str(tmp_path / "token")
    assert config.user.token is None
    assert config.context.namespace == "trading"


def test_paths_name_the_objects_the_operator_creates() -> None:
    assert state_configmap_name("v3-5b") == "v3-5b-state"
    assert runner_name("v3-5b") == "v3-5b-runner"
    assert object_path("v1", "ConfigMap", "ns", "v3-5b-state") == (
        "/api/v1/namespaces/ns/configmaps/v3-5b-state"
    )
    assert strategy_path("ns", "v3-5b") == (
        "/apis/trading.stratops.dev/v1alpha1/namespaces/ns/tradingstrategies/v3-5b"
    )
    assert strategy_status_path("ns", "v3-5b").endswith("/tradingstrategies/v3-5b/status")


def test_every_kind_has_its_plural_without_a_table() -> None:
    """The old hand-written table raised KeyError for any kind it did not list."""
    assert object_path("policy/v1", "PodDisruptionBudget", "ns") == (
        "/apis/policy/v1/namespaces/ns/poddisruptionbudgets"
    )
    assert object_path("v1", "Event", "ns", "e") == "/api/v1/namespaces/ns/events/e"
    with pytest.raises(ValueError, match="unknown Kubernetes kind Widget"):
        object_path("v1", "Widget", "ns")
