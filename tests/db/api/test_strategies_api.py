"""`/api/strategies`, `/api/strategies/{id}` and `/api/strategies/{id}/state` on real ledgers."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from .conftest import ApiClient
from .ledger import SCENARIOS, SOURCE_ENV, source_name

pytestmark = pytest.mark.db
MakeClient = Callable[..., ApiClient]


def test_the_ledgers_are_written_by_the_real_runner() -> None:
    """Issue 7: the API is tested on rows `stratops run-all` wrote, not hand-made ones
    (the ORM stand-in only runs when asked for by name)."""
    if os.environ.get(SOURCE_ENV) == "orm":
        pytest.skip(f"{SOURCE_ENV}=orm chose the development stand-in")
    assert source_name() == "runner"


def test_empty_database_lists_no_strategy(make_client: MakeClient) -> None:
    body = make_client("empty").json("/api/strategies")
    assert body == {"strategies": [], "total": 0, "limit": 1000, "offset": 0}


def test_unknown_strategy_is_404_with_a_message(make_client: MakeClient) -> None:
    client = make_client("one")
    for path in ("/api/strategies/nope", "/api/strategies/nope/state"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "unknown strategy 'nope'"}


def test_malformed_strategy_id_is_422(make_client: MakeClient) -> None:
    assert make_client("empty").get("/api/strategies/Not-An-Id").status_code == 422


def test_list_has_every_strategy_primary_first(make_client: MakeClient) -> None:
    strategies = make_client("ranges").json("/api/strategies")["strategies"]
    assert [s["id"] for s in strategies] == ["v3_5b", "v3_5d"]
    assert [s["is_primary"] for s in strategies] == [True, False]


def test_list_reports_the_last_run_and_its_equity(make_client: MakeClient) -> None:
    client = make_client("ranges")
    listed = {s["id"]: s for s in client.json("/api/strategies")["strategies"]}
    for sid in ("v3_5b", "v3_5d"):
        series = client.json("/api/performance", {"strategy_id": sid})["series"]
        assert listed[sid]["last_trade_date"] == series["dates"][-1]
        assert listed[sid]["current_equity"] == pytest.approx(series["equity"][-1])
    assert listed["v3_5b"]["status"] == "running"
    assert listed["v3_5d"]["status"] == "failing"


def test_detail_counts_the_history(make_client: MakeClient) -> None:
    detail = make_client("one").json("/api/strategies/v3_5b")
    dates = SCENARIOS["one"].dates_of("v3_5b")
    assert detail["snapshot_count"] == len(dates)
    assert detail["first_snapshot_date"] == dates[0].isoformat()
    assert detail["last_snapshot_date"] == dates[-1].isoformat()
    assert detail["strategy_class"] == "Hierarchical_Adaptive_v3_5b"
    assert detail["trade_count"] >= 1


def test_state_is_the_last_runs_state(make_client: MakeClient) -> None:
    client = make_client("one")
    state = client.json("/api/strategies/v3_5b/state")
    last = SCENARIOS["one"].dates_of("v3_5b")[-1]
    assert state["as_of"] == last.isoformat()
    assert state["equity"] == pytest.approx(
        client.json("/api/strategies")["strategies"][0]["current_equity"]
    )
    held = state["state"]["current_positions"]  # the runner's state document
    assert held
    assert {p["symbol"]: p["quantity"] for p in state["positions"]} == {
        s: float(q) for s, q in held.items() if q
    }
    for position in state["positions"]:
        assert position["value"] == pytest.approx(position["quantity"] * position["price"])
    assert state["cash"] == pytest.approx(state["state"]["cash"])
