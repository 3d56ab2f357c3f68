"""The research children (sweep ConfigMap and Indexed Job, backtest Job) and their status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stratops.core.errors import UserError
from stratops.core.research.plan import build_plan, completions, load_plan, parse_sweep
from stratops.core.research.results import Progress, RankedSet
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.base import config_hash
from stratops.core.strategies.registry import build_strategy
from stratops.operator.children import Owner
from stratops.operator.research import backtest_jobs as bj
from stratops.operator.research import sweep_jobs as sj
from stratops.operator.research import sweep_status as ss
from stratops.operator.settings import OperatorSettings

from .conftest import REPO

SWEEP_FILE = REPO / "manifests" / "sweeps" / "v3-5b-sma-grid.yaml"
NOW = "2026-01-02T03:04:05Z"


def _plan(tmp_path: Path, **spec: Any) -> Any:
    doc = yaml.safe_load(SWEEP_FILE.read_text())
    doc["metadata"]["namespace"] = "research"
    doc["spec"].update(spec)
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(doc))
    return load_plan(path, REPO / "manifests" / "strategies")


def _restricted(pod: dict[str, Any]) -> None:
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    container = pod["containers"][0]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert container["resources"]["limits"]["memory"] == "768Mi"
    assert all("value" not in e for e in container["env"] if e["name"] == "STRATOPS_DB_URL")


def test_the_example_sweep_is_one_indexed_job_of_twenty_slices(
    tmp_path: Path, settings: OperatorSettings
) -> None:
    plan = _plan(tmp_path)
    assert len(plan.sets) == 200
    job = sj.build_sweep_job(plan, "uid-s", completions(plan), settings)
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    assert (spec["completions"], spec["parallelism"]) == (20, 4)
    assert spec["backoffLimitPerIndex"] == 1
    assert job["metadata"]["name"] == sj.job_name(plan)
    assert len(job["metadata"]["name"]) <= 63
    assert job["metadata"]["ownerReferences"][0]["kind"] == "StrategySweep"
    assert job["metadata"]["ownerReferences"][0]["uid"] == "uid-s"
    pod = spec["template"]["spec"]
    _restricted(pod)
    command = pod["containers"][0]["command"]
    assert command[:3] == ["stratops", "sweep", "/sweep/sweep.yaml"]
    assert "$(JOB_COMPLETION_INDEX)" in command


def test_the_input_file_rebuilds_the_same_plan(tmp_path: Path, settings: OperatorSettings) -> None:
    """What a pod reads gives the sets, order and inputs hash the operator validated."""
    plan = _plan(tmp_path, parallelism=2)
    template = sj.build_sweep_job(plan, "uid-s", completions(plan), settings)["spec"]["template"]
    volume = next(v for v in template["spec"]["volumes"] if v["name"] == "inputs")
    field = volume["downwardAPI"]["items"][0]["fieldRef"]["fieldPath"]
    assert field == f"metadata.annotations['{sj.ANNOTATION_INPUT}']"
    path = tmp_path / "pod" / sj.INPUT_FILE
    path.parent.mkdir()
    path.write_text(template["metadata"]["annotations"][sj.ANNOTATION_INPUT])
    again = load_plan(path, None)
    assert again.sets == plan.sets
    assert again.namespace == "research"
    assert sj.job_name(again) == sj.job_name(plan)


def test_a_changed_spec_or_base_is_a_new_job_name(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    assert sj.job_name(_plan(tmp_path, top=6)) != sj.job_name(plan)
    base = plan.base.model_copy(
        update={"spec": plan.base.spec.model_copy(update={"initial_capital": 5000.0})}
    )
    assert sj.job_name(build_plan(plan.sweep, base)) != sj.job_name(plan)
    assert sj.job_name(_plan(tmp_path)) == sj.job_name(plan)


def test_job_state_and_failed_sets() -> None:
    job = {
        "status": {
            "completedIndexes": "0,2-3",
            "failedIndexes": "1,4",
            "conditions": [{"type": "Failed", "status": "True", "message": "2 indexes failed"}],
        }
    }
    state = ss.JobState.of(job)
    assert state.completed_indexes == [0, 2, 3]
    assert state.failed_indexes == [1, 4]
    assert state.failed
    assert not state.complete
    progress = Progress(done=7, failed=[(2, "spec: bad data")])
    failed = ss.failed_sets(progress, state, [[0, 1], [2, 3], [4, 5], [6, 7], [8]])
    assert [f["index"] for f in failed] == [2, 3, 8]
    assert failed[0]["reason"] == "spec: bad data"
    assert "Job index 1" in failed[1]["reason"]
    assert ss.phase_of(state, 7) == "Failed"
    assert ss.phase_of(ss.JobState.of(None), 0) == "Pending"
    assert ss.phase_of(ss.JobState.of({"status": {"completedIndexes": "0"}}), 2) == "Running"


def test_running_status_lists_the_best_sets() -> None:
    top = [
        RankedSet(1, 7, {"sma_fast": 30}, 1.5, {"sharpe": 1.5}, {"sharpe": 0.9}, None),
        RankedSet(2, 3, {"sma_fast": 40}, 1.2, {"sharpe": 1.2}, {"sharpe": 1.1}, None),
    ]
    complete = {"status": {"conditions": [{"type": "Complete", "status": "True"}]}}
    observed = ss.Observed(
        3, "s-abc", 9, 10, [[i] for i in range(10)], ss.JobState.of(complete), Progress(10, []), top
    )
    status = ss.running_status(observed, [], NOW)
    assert (status["phase"], status["done"], status["total"], status["failed"]) == (
        "Succeeded",
        10,
        10,
        0,
    )
    assert status["best"] == 1.5
    assert [t["index"] for t in status["top"]] == [7, 3]
    ready, done = status["conditions"]
    assert (ready["type"], ready["status"], done["type"], done["status"]) == (
        "Ready",
        "True",
        "Complete",
        "True",
    )


def test_invalid_status_names_the_field_and_keeps_transition_times() -> None:
    before = [{"type": "Ready", "status": "False", "lastTransitionTime": "earlier"}]
    status = ss.invalid_status("InvalidSpec", "spec.grid.x: not a parameter", 2, before, NOW)
    assert status["phase"] == "Error"
    assert status["job"] is None
    ready = status["conditions"][0]
    assert (ready["status"], ready["reason"]) == ("False", "InvalidSpec")
    assert ready["message"].startswith("spec.grid.x")
    assert ready["lastTransitionTime"] == "earlier"


def test_parse_sweep_reports_the_field(tmp_path: Path) -> None:
    doc = yaml.safe_load(SWEEP_FILE.read_text())
    doc["spec"]["parallelism"] = 0
    with pytest.raises(UserError, match=r"^x: spec\.parallelism: "):
        parse_sweep(doc, "x")


def test_the_backtest_job_is_named_from_the_hash_and_carries_the_manifest(
    spec_b: TradingStrategySpec, owner_b: Owner, settings: OperatorSettings
) -> None:
    digest = config_hash(build_strategy(spec_b), spec_b)
    job = bj.build_backtest_job(owner_b, spec_b, digest, settings)
    assert job["metadata"]["name"] == f"v3-5b-bt-{digest[:10]}"
    assert job["metadata"]["annotations"][bj.ANNOTATION_CONFIG] == digest
    pod = job["spec"]["template"]["spec"]
    _restricted(pod)
    command = pod["containers"][0]["command"]
    manifest = command[command.index("--manifest-json") + 1]
    parsed = TradingStrategySpec.model_validate(yaml.safe_load(manifest)["spec"])
    assert config_hash(build_strategy(parsed), parsed) == digest


def test_backtest_status_per_phase(owner_b: Owner) -> None:
    def ready(phase: str, row: dict[str, Any] | None = None) -> dict[str, Any]:
        body = bj.backtest_status(
            owner_b, "h" * 64, "j", phase, "BackoffLimitExceeded: x", row, [], 1, NOW
        )
        condition: dict[str, Any] = body["status"]["conditions"][0]
        return condition

    assert (ready("Pending")["status"], ready("Pending")["reason"]) == ("False", "Pending")
    assert ready("Running")["reason"] == "Running"
    failed = ready("Failed")
    assert (failed["reason"], "BackoffLimitExceeded" in failed["message"]) == ("JobFailed", True)
    row = {
        "start": "2010-01-04",
        "end": "2025-12-31",
        "cagrPct": 30.0,
        "sharpe": 1.1,
        "maxDrawdownPct": -35.0,
        "trades": 120,
    }
    done = ready("Succeeded", row)
    assert (done["status"], done["reason"]) == ("True", "Succeeded")
    assert "Sharpe 1.10" in done["message"]
    assert bj.job_phase({"status": {"active": 1}}) == ("Running", None)
