"""Outcomes, exit codes, the run-all tally, the summary table and the progress lines."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from stratops.core.broker import Fill
from stratops.runner.fleet import BrokenManifest
from stratops.runner.outcome import RunOutcome, failure
from stratops.runner.runall import RunAllReport, Tally
from stratops.runner.summary import outcome_line, progress_printer, report_text

D = dt.date(2025, 10, 1)
TRADED = RunOutcome(
    "v3_5b",
    D,
    "traded",
    message="cell 1 (BullStrong/Low); 1 fill(s)",
    equity=10050.0,
    cash=12.5,
    positions={"TQQQ": 3},
    cell=1,
    trend="BullStrong",
    vol="Low",
    trades=(Fill("TQQQ", "buy", 3, 2.0, 1.998, 0.03, 0.006),),
    snapshot_id="abc",
    run_id="r1",
)


@pytest.mark.parametrize(
    ("reason", "code"),
    [("stale_data", 3), ("bad_data", 3), ("invalid_state", 4), ("state_mismatch", 4), ("x", 1)],
)
def test_exit_codes_follow_the_reason(reason: str, code: int) -> None:
    assert failure("v3_5b", D, reason, "m").exit_code == code


def test_completed_and_skipped_runs_exit_zero() -> None:
    assert TRADED.exit_code == 0
    assert RunOutcome("v3_5b", D, "skipped", "not_a_session").exit_code == 0


def test_the_json_object_has_the_documented_fields() -> None:
    doc = json.loads(json.dumps(TRADED.to_json()))
    documented = {"strategy_id", "trade_date", "result", "reason", "equity", "cash", "positions"}
    documented |= {"cell", "trend", "vol", "trades", "snapshot_id"}
    assert documented <= set(doc)
    assert doc["trades"][0] == {
        "symbol": "TQQQ",
        "side": "buy",
        "quantity": 3,
        "price": 2.0,
        "reference_price": 1.998,
        "commission": 0.03,
        "slippage": 0.006,
    }
    assert (doc["trade_date"], doc["positions"]) == ("2025-10-01", {"TQQQ": 3})


def test_outcome_lines() -> None:
    assert outcome_line(TRADED) == (
        "v3_5b 2025-10-01: traded, equity 10,050.00, cash 12.50: cell 1 (BullStrong/Low); 1 fill(s)"
    )
    assert outcome_line(failure("v3_5d", D, "stale_data", "QQQ: stale")) == (
        "v3_5d 2025-10-01: failed (stale_data): QQQ: stale"
    )


def _report(primary_fails: bool) -> RunAllReport:
    primary, secondary = Tally("v3_5b", True), Tally("v3_5d", False)
    primary.add(failure("v3_5b", D, "stale_data", "old") if primary_fails else TRADED)
    secondary.add(failure("v3_5d", D, "invalid_spec", "unknown strategyClass"))
    report = RunAllReport([D], "v3_5b", {"v3_5b": primary, "v3_5d": secondary}, ())
    report.data_loads, report.snapshot_id, report.synthetic = 1, "abc", True
    return report


def test_only_the_primary_decides_the_exit_code() -> None:
    assert _report(primary_fails=False).exit_code == 0
    assert _report(primary_fails=True).exit_code == 3


def test_a_broken_manifest_claiming_primary_fails_the_run() -> None:
    report = RunAllReport([D], None, {}, (BrokenManifest("a.yaml", "bad", claims_primary=True),))
    assert report.exit_code == 1


def test_a_permanent_failure_stops_the_strategy() -> None:
    tally = Tally("v3_5d", False)
    tally.add(failure("v3_5d", D, "stale_data", "old"))
    assert tally.stopped_on is None
    tally.add(failure("v3_5d", D, "invalid_state", "bad"))
    assert tally.stopped_on == D


def test_the_json_summary_shape() -> None:
    doc = _report(primary_fails=False).to_json()
    assert (doc["primary"], doc["data_loads"], list(doc["results"])) == (
        "v3_5b",
        1,
        ["v3_5b", "v3_5d"],
    )
    secondary = doc["results"]["v3_5d"]
    assert (secondary["result"], secondary["reason"], secondary["counts"]) == (
        "failed",
        "invalid_spec",
        {"failed": 1},
    )
    assert secondary["failures"] == [
        {"trade_date": "2025-10-01", "reason": "invalid_spec", "message": "unknown strategyClass"}
    ]


def test_the_summary_table() -> None:
    text = report_text(_report(primary_fails=False))
    lines = text.splitlines()
    assert lines[0] == (
        "run-all 2025-10-01: 1 session(s), primary v3_5b, market data loaded 1 time(s) "
        "(snapshot abc [SYNTHETIC DATA])"
    )
    row = ["v3_5b", "primary", "1", "1", "0", "0", "0", "10,050.00", "1", "2025-10-01", "traded"]
    assert lines[3].split() == row
    assert lines[-1] == ("  failed: v3_5d 2025-10-01: failed (invalid_spec): unknown strategyClass")


def test_progress_goes_out_every_twenty_sessions_when_not_a_terminal() -> None:
    stream = io.StringIO()
    show = progress_printer(stream)
    for n in range(1, 46):
        show(n, 45, D, [TRADED])
    lines = stream.getvalue().splitlines()
    assert [line.split("]")[0] for line in lines] == [
        "replay [20/45",
        "replay [40/45",
        "replay [45/45",
    ]
    assert lines[0].endswith("2025-10-01: v3_5b traded")
