"""Status written by the operator: phase, conditions and when their transition time moves."""

from __future__ import annotations

from stratops.operator.status import (
    Outcome,
    build_primary_status,
    build_status,
    last_run_failed_status,
    phase,
)

T0, T1 = "2026-01-20T14:45:00Z", "2026-01-20T14:50:00Z"
OK = Outcome(generation=3, error=None, active=True, effective_primary=True, conflict=None,
             schedule="45 9 * * 1-5")  # fmt: skip


def _conditions(body: dict) -> dict:  # type: ignore[type-arg]
    return {c["type"]: c for c in body["status"]["conditions"]}


def test_phase_machine() -> None:
    assert phase(OK) == "Active"
    assert phase(Outcome(1, None, False, False, None)) == "Suspended"
    assert phase(Outcome(1, "spec.strategyClass: unknown", True, False, None)) == "Error"


def test_healthy_primary() -> None:
    body = build_status("v3-5b", "ns", OK, None, T0)
    verdict = build_primary_status("v3-5b", "ns", OK, None, T0)
    assert body["apiVersion"] == verdict["apiVersion"] == "trading.stratops.dev/v1alpha1"
    assert body["metadata"] == {"name": "v3-5b", "namespace": "ns"}
    status = body["status"]
    assert set(status) == {"phase", "observedGeneration", "conditions"}
    assert (status["phase"], status["observedGeneration"]) == ("Active", 3)
    assert set(verdict["status"]) == {"effectivePrimary", "conditions"}
    assert verdict["status"]["effectivePrimary"] is True
    ready, conflict = _conditions(body)["Ready"], _conditions(verdict)["PrimaryConflict"]
    assert (ready["status"], ready["reason"], ready["lastTransitionTime"]) == (
        "True",
        "Reconciled",
        T0,
    )
    assert "primary runner scheduled at '45 9 * * 1-5'" in ready["message"]
    assert (conflict["status"], conflict["reason"]) == ("False", "NoConflict")
    assert "LastRunSucceeded" not in _conditions(body)


def test_invalid_spec_names_the_field() -> None:
    bad = Outcome(4, "spec.parameters.sma_fast: must be >= 1", True, False, None)
    ready = _conditions(build_status("x", "ns", bad, None, T0))["Ready"]
    assert (ready["status"], ready["reason"]) == ("False", "InvalidSpec")
    assert "spec.parameters.sma_fast" in ready["message"]


def test_conflict_condition() -> None:
    torn = Outcome(2, None, True, True, "claimed by 2 resources", "MultipleClaims")
    conflict = _conditions(build_primary_status("x", "ns", torn, None, T0))["PrimaryConflict"]
    assert (conflict["status"], conflict["reason"], conflict["message"]) == (
        "True", "MultipleClaims", "claimed by 2 resources",
    )  # fmt: skip


def test_transition_time_moves_only_with_status() -> None:
    first = build_status("x", "ns", OK, None, T0)["status"]
    same = build_status("x", "ns", OK, first, T1)
    assert _conditions(same)["Ready"]["lastTransitionTime"] == T0
    suspended = build_status("x", "ns", Outcome(3, "bad", True, True, None), first, T1)
    assert _conditions(suspended)["Ready"]["lastTransitionTime"] == T1


def test_last_run_failed_condition() -> None:
    body = last_run_failed_status("x", "ns", "Job x-1 failed", None, T0)
    (cond,) = body["status"]["conditions"]
    assert (cond["type"], cond["status"], cond["reason"]) == (
        "LastRunSucceeded",
        "False",
        "JobFailed",
    )
    assert set(body["status"]) == {"conditions"}
