"""The backtest Job of one strategy configuration, and the status it leads to: pure dicts.

The Job is named from the strategy and its config hash (`<name>-bt-<hash>`),
so re-applying the same configuration or restarting the operator finds the
Job it made instead of starting a second; its arguments carry the manifest
itself, so it backtests exactly the configuration it is named after.
"""

from __future__ import annotations

import json
from typing import Any

from stratops.core.resource import API_VERSION, KIND, TradingStrategySpec
from stratops.operator.children.common import (
    DATA_MOUNT,
    Owner,
    child_labels,
    child_metadata,
    data_volume,
    pod_security_context,
    tmp_volume,
)
from stratops.operator.children.marketdata import MARKET_DATA_NAME
from stratops.operator.research.sweep_jobs import research_container
from stratops.operator.research.sweep_status import condition
from stratops.operator.settings import OperatorSettings

JsonDict = dict[str, Any]
COMPONENT_BACKTEST = "backtest"
LABEL_CONFIG = "stratops.dev/config-hash"
ANNOTATION_CONFIG = "stratops.dev/config-hash"
BACKTEST_READY = "BacktestReady"
MANAGER = "stratops-backtest"
HASH_CHARS = 10


def backtest_job_name(name: str, config_hash: str) -> str:
    """At most 45 + 4 + 10 characters: within a Job name's 63."""
    return f"{name}-bt-{config_hash[:HASH_CHARS]}"


def manifest_json(owner: Owner, spec: TradingStrategySpec) -> str:
    doc = {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": owner.name, "namespace": owner.namespace},
        "spec": spec.model_dump(mode="json", by_alias=True),
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def build_backtest_job(
    owner: Owner, spec: TradingStrategySpec, config_hash: str, settings: OperatorSettings
) -> JsonDict:
    name = backtest_job_name(owner.name, config_hash)
    meta = child_metadata(owner, name, COMPONENT_BACKTEST)
    meta["labels"][LABEL_CONFIG] = config_hash[:HASH_CHARS]
    meta["annotations"] = {ANNOTATION_CONFIG: config_hash}
    data, data_mount = data_volume(MARKET_DATA_NAME, read_only=True)
    tmp, tmp_mount = tmp_volume()
    command = [
        "stratops",
        "backtest-config",
        "--manifest-json",
        manifest_json(owner, spec),
        "--data-dir",
        DATA_MOUNT,
        "--job",
        name,
    ]
    labels = child_labels(owner, COMPONENT_BACKTEST)
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta,
        "spec": {
            "backoffLimit": 1,
            "activeDeadlineSeconds": settings.research_deadline_seconds,
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "automountServiceAccountToken": False,
                    "restartPolicy": "Never",
                    "priorityClassName": settings.secondary_priority_class,
                    "securityContext": pod_security_context(),
                    "containers": [
                        research_container("backtest", command, settings, [data_mount, tmp_mount])
                    ],
                    "volumes": [data, tmp],
                },
            },
        },
    }


def job_phase(job: JsonDict | None) -> tuple[str, str | None]:
    """(Pending | Running | Succeeded | Failed, message of a failure)."""
    status = (job or {}).get("status") or {}
    conditions = {c.get("type"): c for c in status.get("conditions") or []}
    if conditions.get("Complete", {}).get("status") == "True":
        return "Succeeded", None
    failed = conditions.get("Failed", {})
    if failed.get("status") == "True":
        return "Failed", f"{failed.get('reason', 'Failed')}: {failed.get('message', '')}".strip()
    return ("Running", None) if status.get("active") else ("Pending", None)


def backtest_status(
    owner: Owner,
    config_hash: str,
    job_name: str,
    phase: str,
    message: str | None,
    row: JsonDict | None,
    existing: list[JsonDict],
    generation: int | None,
    now: str,
) -> JsonDict:
    """The server-side-apply body of status.backtest and the BacktestReady condition."""
    backtest: JsonDict = {"configHash": config_hash, "job": job_name}
    if row is not None:
        backtest.update({k: v for k, v in row.items() if v is not None})
        ready = condition(
            BACKTEST_READY, True, "Succeeded", _summary(row), generation, now, existing
        )
    elif phase == "Failed":
        text = f"backtest Job {job_name} failed: {message or 'no reason given'}"
        ready = condition(BACKTEST_READY, False, "JobFailed", text, generation, now, existing)
    elif phase == "Succeeded":
        text = f"backtest Job {job_name} finished but stored no result"
        ready = condition(BACKTEST_READY, False, "NoResult", text, generation, now, existing)
    else:
        text = f"backtest Job {job_name} is {phase.lower()}"
        ready = condition(BACKTEST_READY, False, phase, text, generation, now, existing)
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": owner.name, "namespace": owner.namespace},
        "status": {"backtest": backtest, "conditions": [ready]},
    }


def _summary(row: JsonDict) -> str:
    def fmt(key: str, unit: str = "") -> str:
        value = row.get(key)
        return "n/a" if value is None else f"{value:.2f}{unit}"

    return (
        f"{row.get('start')}..{row.get('end')}: CAGR {fmt('cagrPct', '%')}, "
        f"Sharpe {fmt('sharpe')}, max drawdown {fmt('maxDrawdownPct', '%')}, "
        f"{row.get('trades')} trades"
    )


def row_json(row: Any) -> JsonDict:
    """The status fields of a stored `config_backtests` row."""
    metrics = row.metrics
    return {
        "start": row.start_date.isoformat(),
        "end": row.end_date.isoformat(),
        "cagrPct": metrics.get("cagr_pct"),
        "sharpe": metrics.get("sharpe"),
        "maxDrawdownPct": metrics.get("max_drawdown_pct"),
        "trades": metrics.get("trades"),
        "dataSnapshotId": row.data_snapshot_id,
        "finishedAt": row.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
