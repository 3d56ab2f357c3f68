"""The whole signal series: warm-up, bond overlay inputs, truncation invariance, variants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from stratops.core.errors import UserError
from stratops.core.marketdata.frames import MarketData
from stratops.core.strategies.base import SignalFrame
from stratops.core.strategies.hierarchical_adaptive.strategy import (
    HierarchicalAdaptiveV35b,
    HierarchicalAdaptiveV35d,
)

from .builders import GOLD, SMALL, bars, market, random_market, sessions


def frames_equal(a: SignalFrame, b: SignalFrame) -> None:
    """Exact equality, NaN == NaN."""
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), check_exact=True)


def test_first_decision_is_on_bar_l_sig_minus_1() -> None:
    data = random_market(100)
    sf = HierarchicalAdaptiveV35b(SMALL).compute_signals(data)
    assert np.flatnonzero(sf.decided)[0] == 29  # L_sig = 30
    assert sf.decision(28) is None
    first = sf.decision(29)
    assert first is not None
    assert sum(first.weights.values()) == pytest.approx(1.0)


def test_signal_start_moves_the_replay() -> None:
    data = random_market(100)
    start = data.bars["QQQ"].index[10].date()
    sf = HierarchicalAdaptiveV35b(SMALL).compute_signals(data, signal_start=start)
    assert sf.dates[0].date() == start
    assert sf.dates[np.flatnonzero(sf.decided)[0]] == data.bars["QQQ"].index[39]


def test_pre_decision_rows_report_the_default_regime() -> None:
    sf = HierarchicalAdaptiveV35b(SMALL).compute_signals(random_market(40))
    frame = sf.to_frame()
    head = frame.iloc[:29]
    assert (head["cell"] == 3).all()
    assert (head["trend"] == "Sideways").all()
    assert (head["vol"] == "Low").all()
    assert head["w_QQQ"].isna().all()


def flat_with_tlt(tlt: list[float]) -> MarketData:
    """Rising QQQ (Cell 1 after warm-up) and a given TLT path on the same sessions."""
    n = len(tlt)
    idx = sessions(n)
    qqq = bars(100 * 1.001 ** np.arange(n), index=idx)
    return market({"QQQ": qqq, "TLT": bars(tlt, index=idx)})


def test_bond_smas_use_tlt_closes_through_the_signal_date() -> None:
    tlt = list(100 + np.sin(np.arange(60) / 3.0))
    sf = HierarchicalAdaptiveV35b(SMALL).compute_signals(flat_with_tlt(tlt))
    fast, slow = sf.indicators["bond_fast"], sf.indicators["bond_slow"]
    assert np.isnan(fast[8])  # fewer than bond_sma_slow (10) closes: no bond signal
    assert fast[9] == pytest.approx(np.mean(tlt[5:10]))
    assert slow[40] == pytest.approx(np.mean(tlt[31:41]))
    expected = ["Bull" if f > s else "Bear" for f, s in zip(fast[9:], slow[9:], strict=True)]
    assert list(sf.indicators["bond_trend"][9:]) == expected
    assert sf.indicators["bond_trend"][8] == ""


def test_missing_tlt_bar_uses_the_last_close_before_the_date() -> None:
    tlt = list(100 + np.arange(60.0))
    data = flat_with_tlt(tlt)
    gappy = dict(data.bars)
    gappy["TLT"] = data.bars["TLT"].drop(data.bars["TLT"].index[30])
    sf = HierarchicalAdaptiveV35b(SMALL).compute_signals(market(gappy))
    kept = tlt[:30] + tlt[31:]
    assert sf.indicators["bond_fast"][30] == pytest.approx(np.mean(kept[25:30]))
    assert sf.indicators["bond_fast"][31] == pytest.approx(np.mean(kept[26:31]))


def test_no_bond_signal_puts_defensive_cells_in_cash() -> None:
    data = random_market(400, seed=11)
    only_qqq = market({"QQQ": data.bars["QQQ"]})
    sf = HierarchicalAdaptiveV35b(SMALL).compute_signals(only_qqq)
    frame = sf.to_frame()
    defensive = frame[frame["cell"].isin([4, 6]) & frame["decided"]]
    assert len(defensive) > 0
    assert (defensive["w_CASH"] == 1.0).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_truncation_invariance_is_exact(seed: int) -> None:
    data = random_market(500, seed=seed)
    strategy = HierarchicalAdaptiveV35d({**SMALL, "cell1_exit_confirmation_days": 3})
    full = strategy.compute_signals(data).to_frame()
    for cut in range(25, 500, 23):
        through = full.index[cut].date()
        part = strategy.compute_signals(data, through=through).to_frame()
        assert part.index[-1] == full.index[cut]
        pd.testing.assert_series_equal(part.iloc[-1], full.iloc[cut], check_exact=True)


def test_rerun_is_identical() -> None:
    data = random_market(300)
    s = HierarchicalAdaptiveV35b(SMALL)
    frames_equal(s.compute_signals(data), s.compute_signals(data))


def test_v3_5d_disabled_or_n_1_equals_v3_5b() -> None:
    data = random_market(800, seed=4)
    b = HierarchicalAdaptiveV35b(SMALL).compute_signals(data)
    off = HierarchicalAdaptiveV35d({**SMALL, "cell1_exit_confirmation_enabled": False})
    one = HierarchicalAdaptiveV35d({**SMALL, "cell1_exit_confirmation_days": 1})
    frames_equal(off.compute_signals(data), b)
    frames_equal(one.compute_signals(data), b)
    two = HierarchicalAdaptiveV35d({**SMALL, "cell1_exit_confirmation_days": 3})
    differs = two.compute_signals(data).cell != b.cell
    assert differs.any()  # the confirmation really changes something on this data


def test_through_a_date_before_the_data_gives_an_empty_frame() -> None:
    data = random_market(50)
    sf = HierarchicalAdaptiveV35b(SMALL).compute_signals(data, through=dt.date(2000, 1, 1))
    assert len(sf) == 0


def test_bad_signal_data_is_refused() -> None:
    data = random_market(50)
    broken = dict(data.bars)
    frame = broken["QQQ"].copy()
    frame.iloc[10, frame.columns.get_loc("close")] = np.nan
    broken["QQQ"] = frame
    with pytest.raises(UserError, match="closes must be finite"):
        HierarchicalAdaptiveV35b(SMALL).compute_signals(market(broken))


@pytest.mark.realdata
def test_real_data_truncation_invariance(real_data: MarketData) -> None:
    strategy = HierarchicalAdaptiveV35d(GOLD)
    full = strategy.compute_signals(real_data).to_frame()
    for cut in range(221, len(full), 97):
        part = strategy.compute_signals(real_data, through=full.index[cut].date()).to_frame()
        pd.testing.assert_series_equal(part.iloc[-1], full.iloc[cut], check_exact=True)


@pytest.mark.realdata
def test_real_data_first_decision_follows_the_warm_up_rule(real_data: MarketData) -> None:
    """§1.4: the first decision is the 221st signal bar; from 2009-02-26 that is 2010-01-11."""
    strategy = HierarchicalAdaptiveV35b(GOLD)
    full = strategy.compute_signals(real_data)
    assert full.dates[np.flatnonzero(full.decided)[0]] == full.dates[220]
    gold_start = strategy.compute_signals(real_data, signal_start=dt.date(2009, 2, 26))
    first = gold_start.dates[np.flatnonzero(gold_start.decided)[0]]
    assert first == pd.Timestamp("2010-01-11")
