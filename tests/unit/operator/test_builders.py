"""Child objects of a TradingStrategy, asserted as the dicts the operator applies."""

from __future__ import annotations

import json

import pytest

from stratops.core.resource import TradingStrategySpec
from stratops.operator.children import (
    STATE_KEY,
    Owner,
    RunnerRole,
    build_role,
    build_role_binding,
    build_runner_cronjob,
    build_service_account,
    build_state_configmap,
)
from stratops.operator.children.state import state_ownership
from stratops.operator.settings import OperatorSettings

PRIMARY = RunnerRole(effective_primary=True, runnable=True)
SECONDARY = RunnerRole(effective_primary=False, runnable=True)
OWNER_REF = {
    "apiVersion": "trading.stratops.dev/v1alpha1",
    "kind": "TradingStrategy",
    "name": "v3-5b",
    "uid": "uid-b",
    "controller": True,
}


def _pod(cronjob: dict) -> dict:  # type: ignore[type-arg]
    return cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def test_runner_cronjob_schedule_and_policies(
    owner_b: Owner, spec_b: TradingStrategySpec, settings: OperatorSettings
) -> None:
    cj = build_runner_cronjob(owner_b, spec_b, PRIMARY, settings)
    assert cj["metadata"]["name"] == "v3-5b-runner"
    assert cj["metadata"]["namespace"] == "trading"
    assert cj["metadata"]["ownerReferences"] == [OWNER_REF]
    assert cj["metadata"]["labels"]["stratops.dev/role"] == "primary"
    spec = cj["spec"]
    assert spec["schedule"] == "45 9 * * 1-5"
    assert spec["timeZone"] == "America/New_York"
    assert spec["suspend"] is False
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["startingDeadlineSeconds"] == 600
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 3)
    job = spec["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 1
    assert job["activeDeadlineSeconds"] == 1800
    labels = spec["jobTemplate"]["metadata"]["labels"]
    assert labels["stratops.dev/strategy"] == "v3-5b"
    assert labels["app.kubernetes.io/component"] == "runner"


def test_runner_pod_is_restricted(
    owner_b: Owner, spec_b: TradingStrategySpec, settings: OperatorSettings
) -> None:
    pod = _pod(build_runner_cronjob(owner_b, spec_b, PRIMARY, settings))
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["restartPolicy"] == "Never"
    assert pod["serviceAccountName"] == "v3-5b-runner"
    (container,) = pod["containers"]
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert container["resources"] == {
        "requests": {"cpu": "100m", "memory": "256Mi"},
        "limits": {"cpu": "1", "memory": "1Gi"},
    }
    assert container["image"] == "stratops:test"


def test_runner_command_env_and_volumes(
    owner_b: Owner, spec_b: TradingStrategySpec, settings: OperatorSettings
) -> None:
    pod = _pod(build_runner_cronjob(owner_b, spec_b, PRIMARY, settings))
    (container,) = pod["containers"]
    command = container["command"]
    assert command[:6] == ["stratops", "run", "--strategy-name", "v3-5b", "--state", "configmap"]
    assert command[command.index("--data-dir") + 1] == "/data"
    env = {e["name"]: e for e in container["env"]}
    assert env["STRATOPS_NAMESPACE"]["valueFrom"] == {
        "fieldRef": {"fieldPath": "metadata.namespace"}
    }
    assert env["STRATOPS_DB_URL"]["valueFrom"] == {
        "secretKeyRef": {"name": "stratops-db", "key": "url"}
    }
    assert "value" not in env["STRATOPS_DB_URL"]
    assert env["STRATOPS_DATA_DIR"]["value"] == "/data"
    assert pod["volumes"] == [
        {
            "name": "market-data",
            "persistentVolumeClaim": {"claimName": "stratops-market-data", "readOnly": True},
        },
        {"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}},
    ]
    assert container["volumeMounts"] == [
        {"name": "market-data", "mountPath": "/data", "readOnly": True},
        {"name": "tmp", "mountPath": "/tmp"},
    ]


def test_primary_and_secondary_differ_in_priority_and_slot(
    owner_b: Owner, spec_b: TradingStrategySpec, settings: OperatorSettings
) -> None:
    primary = build_runner_cronjob(owner_b, spec_b, PRIMARY, settings)
    secondary = build_runner_cronjob(owner_b, spec_b, SECONDARY, settings)
    assert _pod(primary)["priorityClassName"] == "stratops-primary"
    assert _pod(secondary)["priorityClassName"] == "stratops-secondary"
    assert secondary["spec"]["schedule"] == "50 9 * * 1-5"
    assert secondary["metadata"]["labels"]["stratops.dev/role"] == "secondary"
    later = settings.model_copy(update={"secondary_offset_minutes": 20})
    assert build_runner_cronjob(owner_b, spec_b, SECONDARY, later)["spec"]["schedule"] == (
        "5 10 * * 1-5"
    )


def test_unshiftable_schedule_is_kept(owner_b: Owner, settings: OperatorSettings) -> None:
    spec = TradingStrategySpec.model_validate(
        {"strategyId": "x", "strategyClass": "C", "schedule": "*/15 * * * *"}
    )
    cj = build_runner_cronjob(owner_b, spec, SECONDARY, settings)
    assert cj["spec"]["schedule"] == "*/15 * * * *"


@pytest.mark.parametrize("runnable", [True, False])
def test_not_runnable_suspends(
    owner_b: Owner, spec_b: TradingStrategySpec, settings: OperatorSettings, runnable: bool
) -> None:
    role = RunnerRole(effective_primary=False, runnable=runnable)
    assert build_runner_cronjob(owner_b, spec_b, role, settings)["spec"]["suspend"] is not runnable


def test_state_configmap_initial_state_and_retention(
    owner_b: Owner, spec_b: TradingStrategySpec
) -> None:
    cm = build_state_configmap(owner_b, spec_b)
    assert cm["metadata"]["name"] == "v3-5b-state"
    assert "ownerReferences" not in cm["metadata"]
    state = json.loads(cm["data"][STATE_KEY])
    assert state["strategy_id"] == "v3_5b"
    assert state["current_positions"] == {}
    assert state["cash"] == state["account_equity"] == 10000.0
    assert state["last_run"] is None
    deleting = spec_b.model_copy(update={"state_retention": "Delete"})
    assert build_state_configmap(owner_b, deleting)["metadata"]["ownerReferences"] == [OWNER_REF]
    ownership = state_ownership(owner_b, deleting)
    assert "data" not in ownership
    assert ownership["metadata"]["ownerReferences"] == [OWNER_REF]


def test_rbac_reaches_only_own_objects(owner_b: Owner) -> None:
    assert build_service_account(owner_b)["metadata"]["name"] == "v3-5b-runner"
    role = build_role(owner_b)
    assert role["rules"] == [
        {
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": ["v3-5b-state"],
            "verbs": ["get", "update", "patch"],
        },
        {
            "apiGroups": ["trading.stratops.dev"],
            "resources": ["tradingstrategies"],
            "resourceNames": ["v3-5b"],
            "verbs": ["get"],
        },
        {
            "apiGroups": ["trading.stratops.dev"],
            "resources": ["tradingstrategies/status"],
            "resourceNames": ["v3-5b"],
            "verbs": ["patch"],
        },
    ]
    binding = build_role_binding(owner_b)
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": "v3-5b-runner",
    }
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "v3-5b-runner", "namespace": "trading"}
    ]
    for obj in (role, binding):
        assert obj["metadata"]["ownerReferences"] == [OWNER_REF]


def test_initial_state_is_what_the_runner_accepts(
    owner_b: Owner, spec_b: TradingStrategySpec
) -> None:
    """The operator seeds the ConfigMap; the runner must load it as a never-traded state."""
    from stratops.runner.state import StrategyState

    document = json.loads(build_state_configmap(owner_b, spec_b)["data"][STATE_KEY])
    state = StrategyState.model_validate(document)
    assert state == StrategyState.initial("v3_5b", 10000.0)
