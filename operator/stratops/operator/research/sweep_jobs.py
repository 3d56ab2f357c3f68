"""The child of a StrategySweep, as a plain dict: one Indexed Job.

The pods' input is the sweep and its base TradingStrategy as one YAML file,
exactly what `stratops sweep FILE` reads locally: an annotation of the pod
template, mounted as a file through the downward API (no ConfigMap to keep in
step, and nothing the operator would ever need to delete). Each index runs
`stratops sweep FILE --index I` on it. The Job is named from the sweep's
inputs hash, so a changed spec or base strategy is a new Job (the old one is
suspended), while a re-apply or an operator restart finds the Job it made.
"""

from __future__ import annotations

from typing import Any

import yaml

from stratops.core.research.plan import SweepPlan
from stratops.core.research.spec import API_VERSION, KIND
from stratops.core.research.store import inputs_hash
from stratops.core.resource import API_VERSION as STRATEGY_API_VERSION
from stratops.core.resource import KIND as STRATEGY_KIND
from stratops.operator.children.common import (
    DATA_MOUNT,
    MANAGED_BY,
    TMP_MOUNT,
    container_security_context,
    data_volume,
    pod_security_context,
    tmp_volume,
)
from stratops.operator.children.marketdata import MARKET_DATA_NAME
from stratops.operator.settings import OperatorSettings

JsonDict = dict[str, Any]
COMPONENT_SWEEP = "sweep"
LABEL_SWEEP = "stratops.dev/sweep"
LABEL_INPUTS = "stratops.dev/inputs-hash"
INPUT_MOUNT = "/sweep"
INPUT_FILE = "sweep.yaml"
ANNOTATION_INPUT = "stratops.dev/sweep-input"


def short_hash(plan: SweepPlan) -> str:
    return inputs_hash(plan.sweep.spec, plan.base.spec)[:10]


def job_name(plan: SweepPlan) -> str:
    """`<sweep>-<inputs hash>`: at most 45 + 11 characters, within a Job name's 63."""
    return f"{plan.sweep.name}-{short_hash(plan)}"


def sweep_labels(plan: SweepPlan) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": "stratops",
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/component": COMPONENT_SWEEP,
        LABEL_SWEEP: plan.sweep.name,
        LABEL_INPUTS: short_hash(plan),
    }


def owner_reference(plan: SweepPlan, uid: str) -> JsonDict:
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "name": plan.sweep.name,
        "uid": uid,
        "controller": True,
    }


def _metadata(plan: SweepPlan, uid: str) -> JsonDict:
    return {
        "name": job_name(plan),
        "namespace": plan.namespace,
        "labels": sweep_labels(plan),
        "ownerReferences": [owner_reference(plan, uid)],
    }


def input_document(plan: SweepPlan) -> str:
    """The sweep and its base strategy, as the spec models read them (defaults filled in)."""
    docs = [
        {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": {"name": plan.sweep.name, "namespace": plan.namespace},
            "spec": plan.sweep.spec.model_dump(mode="json", by_alias=True),
        },
        {
            "apiVersion": STRATEGY_API_VERSION,
            "kind": STRATEGY_KIND,
            "metadata": {"name": plan.base.name, "namespace": plan.namespace},
            "spec": plan.base.spec.model_dump(mode="json", by_alias=True),
        },
    ]
    return yaml.safe_dump_all(docs, sort_keys=True)


def input_volume() -> tuple[JsonDict, JsonDict]:
    """The input annotation as the file `/sweep/sweep.yaml` (downward API)."""
    field = {"fieldPath": f"metadata.annotations['{ANNOTATION_INPUT}']"}
    volume = {
        "name": "inputs",
        "downwardAPI": {"items": [{"path": INPUT_FILE, "fieldRef": field}]},
    }
    return volume, {"name": "inputs", "mountPath": INPUT_MOUNT, "readOnly": True}


def sweep_command(plan: SweepPlan) -> list[str]:
    """One index's slice; the database URL comes from the environment, never the args."""
    return [
        "stratops",
        "sweep",
        f"{INPUT_MOUNT}/{INPUT_FILE}",
        "--data-dir",
        DATA_MOUNT,
        "--index",
        "$(JOB_COMPLETION_INDEX)",
        "--max-sets",
        str(len(plan.sets)),
        "--json",
    ]


def build_sweep_job(
    plan: SweepPlan, uid: str, completions: int, settings: OperatorSettings
) -> JsonDict:
    """One Indexed Job: completions = slices, parallelism as asked, one retry per index."""
    spec = plan.sweep.spec
    data, data_mount = data_volume(MARKET_DATA_NAME, read_only=True)
    tmp, tmp_mount = tmp_volume()
    inputs, inputs_mount = input_volume()
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": _metadata(plan, uid),
        "spec": {
            "completionMode": "Indexed",
            "completions": completions,
            "parallelism": min(spec.parallelism, completions),
            "backoffLimitPerIndex": 1,
            "maxFailedIndexes": completions,
            "activeDeadlineSeconds": settings.research_deadline_seconds,
            "template": {
                "metadata": {
                    "labels": sweep_labels(plan),
                    "annotations": {ANNOTATION_INPUT: input_document(plan)},
                },
                "spec": {
                    "automountServiceAccountToken": False,
                    "restartPolicy": "Never",
                    "priorityClassName": settings.secondary_priority_class,
                    "securityContext": pod_security_context(),
                    "containers": [
                        research_container(
                            "sweep",
                            sweep_command(plan),
                            settings,
                            [data_mount, tmp_mount, inputs_mount],
                        )
                    ],
                    "volumes": [data, tmp, inputs],
                },
            },
        },
    }


def research_container(
    name: str, command: list[str], settings: OperatorSettings, mounts: list[JsonDict]
) -> JsonDict:
    """Restricted, modest: research must never starve the runners."""
    return {
        "name": name,
        "image": settings.image,
        "imagePullPolicy": settings.image_pull_policy,
        "command": command,
        "env": [
            {
                "name": "STRATOPS_DB_URL",
                "valueFrom": {
                    "secretKeyRef": {
                        "name": settings.db_secret_name,
                        "key": settings.db_secret_key,
                    }
                },
            },
            {"name": "HOME", "value": TMP_MOUNT},
            {"name": "TMPDIR", "value": TMP_MOUNT},
        ],
        "resources": {
            "requests": {
                "cpu": settings.research_cpu_request,
                "memory": settings.research_memory_request,
            },
            "limits": {
                "cpu": settings.research_cpu_limit,
                "memory": settings.research_memory_limit,
            },
        },
        "securityContext": container_security_context(),
        "volumeMounts": mounts,
    }
