"""A refused state exits 4 and names where the state is, whatever is wrong with it.

Two states the fault suite found refused with the generic exit 1: one holding
shares of a symbol no market data covers (nothing could price or sell them),
and one claiming the ledger's latest run for another trade date.
"""

from __future__ import annotations

import json

import pytest

from .support import V35B, Place, ledger, run_json, session_days

pytestmark = pytest.mark.db
D0, D1 = session_days("2025-10-01", "2025-10-02")


def _edited_state(place: Place, capsys: pytest.CaptureFixture[str], **changes: object) -> str:
    run_json(capsys, place.run_args(V35B, D0))
    doc = json.loads(place.state_file("v3_5b").read_text())
    text = json.dumps({**doc, **changes})
    place.state_file("v3_5b").write_text(text)
    return text


def test_a_state_holding_an_unknown_symbol_exits_4_naming_the_file(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(_edited_state(place, capsys))
    positions = {**doc["current_positions"], "XYZ": 7}
    text = _edited_state_text(place, doc, current_positions=positions)
    before = ledger(place.db, "v3_5b")
    out = run_json(capsys, place.run_args(V35B, D1), expect=4)
    assert (out["result"], out["reason"]) == ("failed", "invalid_state")
    assert str(place.state_file("v3_5b")) in out["message"]
    assert "holds XYZ, which no market data covers" in out["message"]
    assert place.state_file("v3_5b").read_text() == text, "a refused state is never overwritten"
    assert ledger(place.db, "v3_5b")["runs"] == before["runs"]


def test_a_state_with_the_ledgers_run_id_but_a_later_date_exits_4_naming_the_file(
    place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _edited_state(place, capsys, trade_date="2026-06-01")
    out = run_json(capsys, place.run_args(V35B, D1), expect=4)
    assert (out["result"], out["reason"]) == ("failed", "state_mismatch")
    assert str(place.state_file("v3_5b")) in out["message"]
    assert f"the ledger holds that run for {D0}" in out["message"]
    assert place.state_file("v3_5b").read_text() == text


def _edited_state_text(place: Place, doc: dict[str, object], **changes: object) -> str:
    text = json.dumps({**doc, **changes})
    place.state_file("v3_5b").write_text(text)
    return text
