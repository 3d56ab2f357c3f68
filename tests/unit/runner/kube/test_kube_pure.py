"""The runner's cluster backend, pure parts: the status it applies.

Where the API server is and the REST paths are the shared client's
(tests/unit/test_kube_client.py)."""

from __future__ import annotations

import datetime as dt

from stratops.runner.kube.status import (
    camel_reason,
    last_run,
    regime,
    run_condition,
)
from stratops.runner.kube.status import run_status_body as status_body
from stratops.runner.outcome import RunOutcome, failure

DAY = dt.date(2026, 11, 27)
T0, T1 = "2026-11-27T14:45:00Z", "2026-11-30T14:45:00Z"


def traded(equity: float = 10500.0) -> RunOutcome:
    return RunOutcome(
        "v3_5b", DAY, "traded", message="cell 1 (up/low); 2 fill(s)",
        equity=equity, cell=1, trend="up", vol="low",
    )  # fmt: skip


def test_reasons_are_camel_case() -> None:
    assert camel_reason("stale_data") == "StaleData"
    assert camel_reason("cluster_api") == "ClusterApi"
    assert camel_reason(None) == "Error"


def test_last_run_carries_date_result_equity_regime_message() -> None:
    assert last_run(traded()) == {
        "tradeDate": "2026-11-27",
        "result": "traded",
        "equity": 10500.0,
        "regime": "cell 1 (up/low)",
        "message": "cell 1 (up/low); 2 fill(s)",
    }
    failed = last_run(failure("v3_5b", DAY, "stale_data", "SPY: stale"))
    assert failed == {"tradeDate": "2026-11-27", "result": "failed", "message": "SPY: stale"}
    assert regime(failure("v3_5b", DAY, "x", "y")) is None


def test_condition_transition_time_moves_only_when_status_changes() -> None:
    first = run_condition(traded(), [], 3, T0)
    assert (first["status"], first["reason"], first["lastTransitionTime"]) == (
        "True",
        "RunSucceeded",
        T0,
    )
    assert first["observedGeneration"] == 3
    again = run_condition(traded(), [first], 3, T1)
    assert again["lastTransitionTime"] == T0
    failed = run_condition(failure("v3_5b", DAY, "stale_data", "SPY: stale"), [again], 3, T1)
    assert (failed["status"], failed["reason"]) == ("False", "StaleData")
    assert failed["lastTransitionTime"] == T1
    assert "SPY: stale" in failed["message"]


def test_status_body_keeps_operator_fields_out_and_equity_when_a_run_has_none() -> None:
    current = {
        "phase": "Active",
        "equity": 10400.0,
        "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": T0}],
    }
    body = status_body("v3-5b", "ns", failure("v3_5b", DAY, "error", "boom"), current, 2, T1)
    assert body["metadata"] == {"name": "v3-5b", "namespace": "ns"}
    status = body["status"]
    assert set(status) == {"lastRun", "conditions", "equity"}
    assert status["equity"] == 10400.0
    assert [c["type"] for c in status["conditions"]] == ["LastRunSucceeded"]
    fresh = status_body("v3-5b", "ns", traded(10600.0), None, None, T1)["status"]
    assert fresh["equity"] == 10600.0
    assert "observedGeneration" not in fresh["conditions"][0]
