"""`/api/status/strategies` and `/api/trades` on real ledgers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from stratops.api.queries import history

from .conftest import ApiClient
from .ledger import SCENARIOS

pytestmark = pytest.mark.db
MakeClient = Callable[..., ApiClient]


def test_status_of_an_empty_database(make_client: MakeClient) -> None:
    body = make_client("empty").json("/api/status/strategies")
    assert body["strategies"] == {}


def test_status_judges_every_strategy(make_client: MakeClient) -> None:
    # The clock is 2024-06-21 18:00 UTC: the 09:45 New York run of that day is due.
    status = make_client("ranges").json("/api/status/strategies")["strategies"]
    last_b = SCENARIOS["ranges"].dates_of("v3_5b")[-1].isoformat()
    assert status["v3_5b"]["health"] == "stale"
    assert status["v3_5b"]["last_trade_date"] == last_b
    assert status["v3_5b"]["expected_session"] == "2024-06-21"
    assert status["v3_5b"]["missed"], "stale is exactly: the missed-run rule lists a session"
    assert status["v3_5b"]["missed"][-1] == "2024-06-21"
    assert all(day > last_b for day in status["v3_5b"]["missed"])
    assert f"last completed run is for {last_b}" in status["v3_5b"]["message"]
    assert status["v3_5d"]["health"] == "failing"
    assert status["v3_5d"]["result"] == "failed"
    assert status["v3_5d"]["message"]


def test_one_grace_moves_both_the_expected_session_and_the_missed_list(
    make_client: MakeClient,
) -> None:
    # With a day of grace the expected session is 2024-06-20; nobody ran that day either.
    status = make_client("ranges", missed_run_grace_minutes=24 * 60).json("/api/status/strategies")
    v3_5b = status["strategies"]["v3_5b"]
    assert v3_5b["expected_session"] == "2024-06-20"
    assert v3_5b["missed"][-1] == "2024-06-20"
    assert v3_5b["health"] == "stale"


def test_trades_of_all_strategies_carry_their_id(make_client: MakeClient) -> None:
    body = make_client("ranges").json("/api/trades", {"limit": 1000})
    ids = {t["strategy_id"] for t in body["trades"]}
    assert ids == {"v3_5b", "v3_5d"}
    assert body["total"] == len(body["trades"])


def test_trades_filter_by_strategy(make_client: MakeClient) -> None:
    body = make_client("ranges").json("/api/trades", {"strategy_id": "v3_5d", "limit": 1000})
    assert body["trades"]
    assert {t["strategy_id"] for t in body["trades"]} == {"v3_5d"}


def test_trades_newest_first_and_paged(make_client: MakeClient) -> None:
    client = make_client("ranges")
    everything = client.json("/api/trades", {"limit": 1000})["trades"]
    stamps = [t["timestamp"] for t in everything]
    assert stamps == sorted(stamps, reverse=True)
    page = client.json("/api/trades", {"limit": 1, "offset": 1})
    assert page["trades"] == everything[1:2]
    assert (page["total"], page["limit"], page["offset"]) == (len(everything), 1, 1)
    assert page["total_exact"] is True


def test_the_trade_count_stops_past_the_page(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At research scale the count must not read every trade: it counts matches up to a
    bound past the page, and says when the total is only a lower bound."""
    client = make_client("ranges")
    everything = client.json("/api/trades", {"limit": 1000})["total"]
    assert everything > 4
    monkeypatch.setattr(history, "TRADE_COUNT_BEYOND_PAGE", 2)
    page = client.json("/api/trades", {"limit": 1, "offset": 1})
    assert (page["total"], page["total_exact"]) == (4, False)
    last = client.json("/api/trades", {"limit": 2, "offset": everything - 2})
    assert (last["total"], last["total_exact"]) == (everything, True)


def test_trades_filter_by_date(make_client: MakeClient) -> None:
    first = SCENARIOS["ranges"].dates_of("v3_5b")[0].isoformat()
    body = make_client("ranges").json("/api/trades", {"start": first, "end": first})
    assert body["trades"]
    assert {t["trade_date"] for t in body["trades"]} == {first}


def test_trades_bad_parameters_are_422(make_client: MakeClient) -> None:
    client = make_client("empty")
    for params in ({"limit": 0}, {"limit": 5000}, {"offset": -1}, {"start": "yesterday"}):
        assert client.get("/api/trades", params).status_code == 422, params


def test_trades_of_an_unknown_strategy_is_404(make_client: MakeClient) -> None:
    assert make_client("one").get("/api/trades", {"strategy_id": "v9_9"}).status_code == 404


def test_empty_database_has_no_trades(make_client: MakeClient) -> None:
    empty = make_client("empty").json("/api/trades")
    assert (empty["total"], empty["total_exact"]) == (0, True)
