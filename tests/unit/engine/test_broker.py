"""Paper broker: §4.6 target_change, the drift policy, §4.7 sizing, costs, the state's JSON."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from stratops.core.broker import (
    Costs,
    Market,
    PortfolioState,
    Rebalance,
    l1_distance,
    rebalance_on_drift,
    rebalance_on_target_change,
    viable_targets,
)

HELD = ("TQQQ", "QQQ", "PSQ", "TMF", "TMV")
D = dt.date(2024, 3, 1)
NO_COSTS = Costs(0.0, 0.0)


def mkt(**prices: float) -> Market:
    full = {s: prices.get(s, math.nan) for s in HELD}
    return Market(full, {s: p for s, p in full.items() if math.isfinite(p)})


def change(
    state: PortfolioState, targets: dict[str, float], market: Market, costs: Costs = NO_COSTS
) -> Rebalance:
    return rebalance_on_target_change(state, targets, HELD, market, 0.025, costs, D)


def test_first_decision_allocates_fully_with_floor_shares() -> None:
    out = change(
        PortfolioState.initial(10_000), {"TQQQ": 0.6, "QQQ": 0.4}, mkt(TQQQ=30.0, QQQ=400.0)
    )
    assert out.fired
    assert [(f.symbol, f.side, f.quantity) for f in out.fills] == [
        ("TQQQ", "buy", 200),
        ("QQQ", "buy", 10),
    ]
    assert out.state.positions == {"TQQQ": 200, "QQQ": 10}
    assert out.state.cash == pytest.approx(10_000 - 200 * 30 - 10 * 400)
    assert out.state.targets == {"TQQQ": 0.6, "QQQ": 0.4, "PSQ": 0.0, "TMF": 0.0, "TMV": 0.0}
    assert out.state.last_trade_date == D


def test_threshold_is_strict_and_unchanged_targets_trade_nothing() -> None:
    state = PortfolioState(100.0, {"QQQ": 10}, {"QQQ": 1.0}, None)
    same = change(state, {"QQQ": 1.0}, mkt(QQQ=500.0))
    assert not same.fired
    assert same.fills == ()

    def fires(qqq: float) -> bool:
        out = rebalance_on_target_change(
            state, {"QQQ": qqq}, HELD, mkt(QQQ=500.0), 0.25, NO_COSTS, D
        )
        return out.fired

    assert l1_distance({"QQQ": 0.75}, {"QQQ": 1.0}, HELD) == 0.25
    assert not fires(0.75)  # a distance equal to the threshold does not rebalance
    assert fires(0.7499)


def test_reduce_phase_runs_before_increase_phase_in_fixed_order() -> None:
    state = PortfolioState(0.0, {"TQQQ": 100, "QQQ": 10}, {"TQQQ": 0.6, "QQQ": 0.4}, None)
    out = change(state, {"TQQQ": 0.0, "QQQ": 0.5, "TMV": 0.4}, mkt(TQQQ=60.0, QQQ=400.0, TMV=50.0))
    sides = [(f.symbol, f.side) for f in out.fills]
    assert sides == [("TQQQ", "sell"), ("QQQ", "buy"), ("TMV", "buy")]
    pv = 100 * 60.0 + 10 * 400.0
    assert out.state.positions["QQQ"] == 10 + math.floor((0.5 - 0.4) * pv / 400.0)
    assert out.state.positions["TMV"] == math.floor(0.4 * pv / 50.0)
    assert "TQQQ" not in out.state.positions


def test_target_equal_to_remembered_gets_no_order_even_after_drift() -> None:
    state = PortfolioState(1000.0, {"TQQQ": 100, "QQQ": 10}, {"TQQQ": 0.6, "QQQ": 0.4}, None)
    out = change(state, {"TQQQ": 0.2, "QQQ": 0.4}, mkt(TQQQ=100.0, QQQ=400.0))
    assert [f.symbol for f in out.fills] == ["TQQQ"]


def test_buys_are_cash_constrained_and_costed() -> None:
    costs = Costs(commission_per_share=0.01, slippage=0.001)
    out = change(PortfolioState.initial(1000.0), {"QQQ": 1.0}, mkt(QQQ=46.36), costs)
    (fill,) = out.fills
    assert fill.price == pytest.approx(46.36 * 1.001)
    assert fill.quantity == math.floor(1000.0 / (46.36 * 1.001 + 0.01))
    assert fill.commission == pytest.approx(fill.quantity * 0.01)
    assert fill.slippage == pytest.approx(fill.quantity * 46.36 * 0.001)
    assert out.state.cash == pytest.approx(1000.0 - fill.quantity * (fill.price + 0.01))
    assert out.state.cash >= 0.0


def test_sells_truncate_toward_zero_at_the_slipped_price() -> None:
    costs = Costs(0.01, 0.001)
    state = PortfolioState(0.0, {"QQQ": 100}, {"QQQ": 1.0}, None)
    out = change(state, {"QQQ": 0.5}, mkt(QQQ=100.0), costs)
    (fill,) = out.fills
    assert fill.side == "sell"
    assert fill.quantity == math.trunc(0.5 * 10_000 / (100.0 * 0.999))
    assert fill.price == pytest.approx(99.9)
    assert out.state.cash == pytest.approx(fill.quantity * 99.9 - fill.quantity * 0.01)


def test_viability_keeps_slices_without_price_or_below_one_share_in_cash() -> None:
    valid = viable_targets(
        {"TQQQ": 0.6, "QQQ": 0.4, "TMF": 0.001}, {"QQQ": 400.0, "TMF": 20.0}, 10_000
    )
    assert valid == {"TQQQ": 0.0, "QQQ": 0.4, "TMF": 0.0}
    out = change(PortfolioState.initial(10_000), {"TQQQ": 0.6, "QQQ": 0.4}, mkt(QQQ=400.0))
    assert out.state.positions == {"QQQ": 10}
    assert out.state.targets["TQQQ"] == 0.0  # remembered as validated: next day fires again
    later = change(out.state, {"TQQQ": 0.6, "QQQ": 0.4}, mkt(QQQ=400.0, TQQQ=30.0))
    assert [(f.symbol, f.side) for f in later.fills] == [("TQQQ", "buy")]


def test_drift_policy_resizes_legs_off_by_the_threshold_sells_first() -> None:
    state = PortfolioState(0.0, {"TQQQ": 100, "QQQ": 10}, {"TQQQ": 0.6, "QQQ": 0.4}, None)
    prices = mkt(TQQQ=80.0, QQQ=400.0)  # equity 12000: TQQQ 66.7 %, QQQ 33.3 %
    out = rebalance_on_drift(state, {"TQQQ": 0.6, "QQQ": 0.4}, HELD, prices, 5.0, NO_COSTS, D)
    assert [(f.symbol, f.side) for f in out.fills] == [("TQQQ", "sell"), ("QQQ", "buy")]
    assert out.state.positions["TQQQ"] == 100 - math.trunc((8000 - 0.6 * 12000) / 80.0)
    assert out.state.positions["QQQ"] == 10 + math.floor((0.4 * 12000 - 4000) / 400.0)
    calm = rebalance_on_drift(state, {"TQQQ": 0.6, "QQQ": 0.4}, HELD, prices, 10.0, NO_COSTS, D)
    assert calm.fills == ()  # 6.7 % of equity is below a 10 % threshold


def test_drift_policy_closes_zero_targets_and_never_overspends() -> None:
    state = PortfolioState(10.0, {"TMF": 50}, {"TMF": 0.4}, None)
    out = rebalance_on_drift(state, {"QQQ": 1.0}, HELD, mkt(QQQ=100.0, TMF=20.0), 5.0, Costs(), D)
    assert out.state.positions.get("TMF") is None
    assert out.state.cash >= 0.0
    assert out.state.positions["QQQ"] == math.floor(
        (10.0 + 50 * 20 * 0.999 - 0.5) / (100 * 1.001 + 0.01)
    )


def test_state_json_round_trip_and_validation() -> None:
    state = PortfolioState(1234.5678901234567, {"QQQ": 3}, {"QQQ": 0.4, "TQQQ": 0.6}, D)
    doc = state.to_json()
    assert doc == {
        "cash": 1234.5678901234567,
        "positions": {"QQQ": 3},
        "targets": {"QQQ": 0.4, "TQQQ": 0.6},
        "last_trade_date": "2024-03-01",
    }
    assert PortfolioState.from_json(doc) == state
    for bad in ({**doc, "positions": {"QQQ": 1.5}}, {**doc, "cash": -1}, {**doc, "extra": 1}):
        with pytest.raises(ValueError, match="invalid portfolio state"):
            PortfolioState.from_json(bad)
