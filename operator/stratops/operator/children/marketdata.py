"""Once per namespace: the shared market-data cache (PVC) and the CronJob that fills it.

Both are owned by every TradingStrategy of the namespace (non-controller
owner references), so garbage collection removes them when the last strategy
goes, and they exist while any strategy does. The job fetches the union of
the active strategies' symbols once, shortly before the earliest runner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stratops.core import cron_shift
from stratops.operator.children.common import (
    COMPONENT_MARKET_DATA,
    DATA_MOUNT,
    MANAGED_BY,
    TMP_MOUNT,
    JsonDict,
    Owner,
    container_security_context,
    data_volume,
    pod_security_context,
    tmp_volume,
)
from stratops.operator.settings import OperatorSettings

MARKET_DATA_NAME = "stratops-market-data"


@dataclass(frozen=True)
class Member:
    """One strategy as the market-data job sees it: its runner's slot and its symbols."""

    owner: Owner
    runnable: bool
    schedule: str
    time_zone: str
    symbols: tuple[str, ...]
    effective_primary: bool = False


def _labels() -> dict[str, str]:
    return {
        "app.kubernetes.io/name": "stratops",
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/component": COMPONENT_MARKET_DATA,
    }


def _metadata(namespace: str, members: Sequence[Member]) -> JsonDict:
    refs = [{**m.owner.reference(), "controller": False} for m in _by_name(members)]
    return {
        "name": MARKET_DATA_NAME,
        "namespace": namespace,
        "labels": _labels(),
        "ownerReferences": refs,
    }


def _by_name(members: Sequence[Member]) -> list[Member]:
    return sorted(members, key=lambda m: m.owner.name)


def build_market_data_pvc(
    namespace: str, members: Sequence[Member], settings: OperatorSettings
) -> JsonDict:
    spec: JsonDict = {
        "accessModes": [settings.market_data_access_mode],
        "resources": {"requests": {"storage": settings.market_data_pvc_size}},
    }
    if settings.market_data_storage_class:
        spec["storageClassName"] = settings.market_data_storage_class
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": _metadata(namespace, members),
        "spec": spec,
    }


def union_symbols(members: Sequence[Member]) -> list[str]:
    """Symbols of the runnable strategies, each once, sorted."""
    return sorted({s for m in members if m.runnable for s in m.symbols})


def earliest(members: Sequence[Member]) -> Member | None:
    """The runnable member whose runner fires first in its day; the primary wins ties."""
    runnable = [m for m in members if m.runnable]
    if not runnable:
        return None

    def key(m: Member) -> tuple[tuple[int, int], bool, str]:
        return (
            cron_shift.time_of_day(m.schedule) or (24, 0),
            not m.effective_primary,
            m.owner.name,
        )

    return min(runnable, key=key)


def market_data_slot(members: Sequence[Member], settings: OperatorSettings) -> tuple[str, str]:
    """(schedule, timeZone) a lead time before the earliest runner (unshiftable: same time)."""
    first = earliest(members) or (_by_name(members)[0] if members else None)
    if first is None:
        return "0 9 * * 1-5", "America/New_York"
    shifted = cron_shift.shift(first.schedule, -settings.market_data_lead_minutes)
    return shifted or first.schedule, first.time_zone


def fetch_command(symbols: Sequence[str], settings: OperatorSettings) -> list[str]:
    command = ["stratops", "data", "fetch", "--provider", settings.market_data_provider]
    if settings.market_data_source:
        command += ["--source", settings.market_data_source]
    return [*command, "--symbols", ",".join(symbols), "--cache", DATA_MOUNT]


def build_market_data_cronjob(
    namespace: str, members: Sequence[Member], settings: OperatorSettings
) -> JsonDict:
    """The fetch job; suspended while no strategy is runnable (nothing to fetch for)."""
    symbols = union_symbols(members)
    cron, time_zone = market_data_slot(members, settings)
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": _metadata(namespace, members),
        "spec": {
            "schedule": cron,
            "timeZone": time_zone,
            "suspend": not symbols,
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": settings.starting_deadline_seconds,
            "successfulJobsHistoryLimit": settings.successful_jobs_history,
            "failedJobsHistoryLimit": settings.failed_jobs_history,
            "jobTemplate": {
                "metadata": {"labels": _labels()},
                "spec": _job_spec(symbols, settings),
            },
        },
    }


def _job_spec(symbols: Sequence[str], settings: OperatorSettings) -> JsonDict:
    data, data_mount = data_volume(MARKET_DATA_NAME, read_only=False)
    tmp, tmp_mount = tmp_volume()
    container = {
        "name": "fetch",
        "image": settings.image,
        "imagePullPolicy": settings.image_pull_policy,
        "command": fetch_command(symbols, settings),
        "env": [{"name": "HOME", "value": TMP_MOUNT}, {"name": "TMPDIR", "value": TMP_MOUNT}],
        "resources": {
            "requests": {"cpu": "50m", "memory": "256Mi"},
            "limits": {"cpu": "1", "memory": "1Gi"},
        },
        "securityContext": container_security_context(),
        "volumeMounts": [data_mount, tmp_mount],
    }
    return {
        "backoffLimit": settings.backoff_limit,
        "activeDeadlineSeconds": settings.active_deadline_seconds,
        "template": {
            "metadata": {"labels": _labels()},
            "spec": {
                "automountServiceAccountToken": False,
                "restartPolicy": "OnFailure",
                "priorityClassName": settings.primary_priority_class,
                "securityContext": pod_security_context(),
                "containers": [container],
                "volumes": [data, tmp],
            },
        },
    }
