"""Endpoints the dashboard's overview and trades views read, on ledgers the runner wrote."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from stratops.core import performance_metrics as metrics

from .conftest import ApiClient

pytestmark = pytest.mark.db
MakeClient = Callable[..., ApiClient]
CAPITAL = 10_000.0  # initialCapital of both example manifests


def test_total_return_is_measured_from_the_initial_capital(make_client: MakeClient) -> None:
    body = make_client("ranges").json("/api/performance", {"strategy_id": "v3_5b"})
    equity = [p["equity"] for p in body["series"]]
    assert body["metrics"]["total_return"] == pytest.approx((equity[-1] / CAPITAL - 1) * 100)
    assert body["metrics"]["max_drawdown"] == pytest.approx(
        metrics.max_drawdown([CAPITAL, *equity]) * 100
    )


def test_a_later_window_is_measured_from_its_own_first_close(make_client: MakeClient) -> None:
    client = make_client("ranges")
    dates = [p["date"] for p in client.json("/api/performance")["series"]]
    body = client.json("/api/performance", {"strategy_id": "v3_5b", "start": dates[3]})
    equity = [p["equity"] for p in body["series"]]
    assert body["metrics"]["total_return"] == pytest.approx((equity[-1] / equity[0] - 1) * 100)


def test_overview_agrees_with_each_strategys_performance(make_client: MakeClient) -> None:
    client = make_client("ranges")
    cards = client.json("/api/overview")["strategies"]
    assert sorted(cards) == ["v3_5b", "v3_5d"]
    for sid, card in cards.items():
        perf = client.json("/api/performance", {"strategy_id": sid})
        assert card["initial_capital"] == CAPITAL
        assert card["sessions"] == len(perf["series"])
        assert card["equity"] == perf["series"][-1]["equity"]
        assert card["total_return"] == pytest.approx(perf["metrics"]["total_return"])
        assert card["max_drawdown"] == pytest.approx(perf["metrics"]["max_drawdown"])
        equity = [CAPITAL, *(p["equity"] for p in perf["series"])]
        assert card["current_drawdown"] == pytest.approx((equity[-1] / max(equity) - 1) * 100)
        assert (card["first_date"], card["last_date"]) == (
            perf["period"]["start_date"],
            perf["period"]["end_date"],
        )
    # Both ran on the synthetic cache the (synthetic) backtests used.
    assert {card["synthetic"] for card in cards.values()} == {True}


def test_overview_of_an_empty_ledger(make_client: MakeClient) -> None:
    assert make_client("empty").json("/api/overview") == {"strategies": {}}


def test_round_trips_cover_every_sell_and_every_cost(make_client: MakeClient) -> None:
    client = make_client("ranges")
    trades = client.json("/api/trades", {"strategy_id": "v3_5d", "limit": 500})["trades"]
    body = client.json("/api/round-trips", {"strategy_id": "v3_5d"})
    assert trades
    sells = {t["id"] for t in trades if t["action"] == "SELL"}
    assert set(map(int, body["realized_by_fill"])) == sells
    assert sum(body["realized_by_fill"].values()) == pytest.approx(
        sum(trip["pnl"] for trip in body["trips"]), abs=0.05
    )
    for cost in ("commission", "slippage"):
        assert sum(t[cost] for t in body["trips"]) == pytest.approx(
            sum(t[cost] or 0 for t in trades), abs=0.05
        )
    bought = sum(t["quantity"] for t in trades if t["action"] == "BUY")
    assert sum(trip["shares_bought"] for trip in body["trips"]) == bought


def test_round_trips_of_an_unknown_strategy_is_404(make_client: MakeClient) -> None:
    assert make_client("one").get("/api/round-trips", {"strategy_id": "nope"}).status_code == 404
