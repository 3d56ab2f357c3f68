"""The CronJob that runs one strategy's trading day: `<name>-runner`."""

from __future__ import annotations

from dataclasses import dataclass

from stratops.core.contract import ENV_NAMESPACE, ENV_STRATEGY_NAME
from stratops.core.cron_shift import shift
from stratops.core.resource import TradingStrategySpec
from stratops.core.schedule import runner_slot
from stratops.operator.children.common import (
    COMPONENT_RUNNER,
    DATA_MOUNT,
    TMP_MOUNT,
    JsonDict,
    Owner,
    child_labels,
    child_metadata,
    container_security_context,
    data_volume,
    pod_security_context,
    runner_name,
    tmp_volume,
)
from stratops.operator.children.marketdata import MARKET_DATA_NAME
from stratops.operator.settings import OperatorSettings

LABEL_ROLE = "stratops.dev/role"


@dataclass(frozen=True)
class RunnerRole:
    """What the rest of the namespace decides about this runner.

    `effective_primary` picks the PriorityClass and the schedule slot;
    `runnable` is False for an inactive strategy or a spec in error, which
    suspends the CronJob (never deletes it, so job history stays).
    """

    effective_primary: bool
    runnable: bool


def runner_schedule(spec: TradingStrategySpec, role: RunnerRole, settings: OperatorSettings) -> str:
    """The primary runs at its schedule; secondaries an offset later, so the primary runs first.

    The rule is core's (`runner_slot`), which the read API judges missed runs by.
    A schedule that cannot be shifted exactly is kept as written (and reported,
    see `offset_problem`).
    """
    return runner_slot(spec.schedule, role.effective_primary, settings.secondary_offset_minutes)


def offset_problem(
    spec: TradingStrategySpec, role: RunnerRole, settings: OperatorSettings
) -> str | None:
    """Why a secondary fires together with the primary rather than after it (None: it does not)."""
    offset = settings.secondary_offset_minutes
    if role.effective_primary or offset == 0 or shift(spec.schedule, offset) is not None:
        return None
    return (
        f"spec.schedule {spec.schedule!r} cannot be moved exactly by {offset} minutes, so this "
        "secondary fires at the same time as the primary; use a single fixed minute "
        "(e.g. '45 9 * * 1-5') to run after it"
    )


def build_runner_cronjob(
    owner: Owner, spec: TradingStrategySpec, role: RunnerRole, settings: OperatorSettings
) -> JsonDict:
    """`<name>-runner`: one Job per trading day, never two at once, restricted pods."""
    name = runner_name(owner.name)
    meta = child_metadata(owner, name, COMPONENT_RUNNER)
    meta["labels"][LABEL_ROLE] = "primary" if role.effective_primary else "secondary"
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": meta,
        "spec": {
            "schedule": runner_schedule(spec, role, settings),
            "timeZone": spec.time_zone,
            "suspend": not role.runnable,
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": settings.starting_deadline_seconds,
            "successfulJobsHistoryLimit": settings.successful_jobs_history,
            "failedJobsHistoryLimit": settings.failed_jobs_history,
            "jobTemplate": {
                "metadata": {"labels": child_labels(owner, COMPONENT_RUNNER)},
                "spec": _job_spec(owner, role, settings),
            },
        },
    }


def _job_spec(owner: Owner, role: RunnerRole, settings: OperatorSettings) -> JsonDict:
    data, data_mount = data_volume(MARKET_DATA_NAME, read_only=True)
    tmp, tmp_mount = tmp_volume()
    priority = settings.primary_priority_class if role.effective_primary else None
    return {
        "backoffLimit": settings.backoff_limit,
        "activeDeadlineSeconds": settings.active_deadline_seconds,
        "template": {
            "metadata": {"labels": child_labels(owner, COMPONENT_RUNNER)},
            "spec": {
                "serviceAccountName": runner_name(owner.name),
                "automountServiceAccountToken": True,
                "restartPolicy": "Never",
                "priorityClassName": priority or settings.secondary_priority_class,
                "securityContext": pod_security_context(),
                "containers": [_container(owner, settings, [data_mount, tmp_mount])],
                "volumes": [data, tmp],
            },
        },
    }


def _container(owner: Owner, settings: OperatorSettings, mounts: list[JsonDict]) -> JsonDict:
    return {
        "name": "runner",
        "image": settings.image,
        "imagePullPolicy": settings.image_pull_policy,
        "command": runner_command(owner.name),
        "env": _env(owner, settings),
        "resources": {
            "requests": {
                "cpu": settings.runner_cpu_request,
                "memory": settings.runner_memory_request,
            },
            "limits": {"cpu": settings.runner_cpu_limit, "memory": settings.runner_memory_limit},
        },
        "securityContext": container_security_context(),
        "volumeMounts": mounts,
    }


def runner_command(name: str) -> list[str]:
    """One trading day of this strategy, spec from its own resource, state in its ConfigMap.

    `--date today` lets the runner pick the session from the exchange calendar
    in the strategy's time zone; a CronJob cannot compute a date itself.
    """
    return [
        "stratops",
        "run",
        "--strategy-name",
        name,
        "--state",
        "configmap",
        "--date",
        "today",
        "--data-dir",
        DATA_MOUNT,
        "--json",
    ]


def _env(owner: Owner, settings: OperatorSettings) -> list[JsonDict]:
    """Everything the runner needs, none of it secret in the pod spec itself."""
    return [
        {
            "name": ENV_NAMESPACE,
            "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}},
        },
        {"name": ENV_STRATEGY_NAME, "value": owner.name},
        {
            "name": "STRATOPS_DB_URL",
            "valueFrom": {
                "secretKeyRef": {"name": settings.db_secret_name, "key": settings.db_secret_key}
            },
        },
        {"name": "STRATOPS_DATA_DIR", "value": DATA_MOUNT},
        {"name": "HOME", "value": TMP_MOUNT},
        {"name": "TMPDIR", "value": TMP_MOUNT},
    ]
