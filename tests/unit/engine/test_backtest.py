"""The backtest loop, its JSON, the dashboard export/reader and the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from stratops.core.backtest import BacktestResult, run_backtest
from stratops.core.backtest.dashboard import export_dashboard, read_dashboard_csv
from stratops.core.cli import main
from stratops.core.manifests import load_strategy
from stratops.core.marketdata.frames import MarketData
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.registry import build_strategy

from .builders import ROOT, SMALL, random_market, spec

JSON_KEYS = {
    "strategy_id", "strategy_class", "start", "end", "initial_capital", "final_equity",
    "total_return_pct", "cagr_pct", "volatility_pct", "sharpe", "sortino", "max_drawdown_pct",
    "calmar", "trades", "fills", "exposure_by_cell", "synthetic", "data_snapshot_id", "baseline",
}  # fmt: skip


def backtest(data: MarketData, s: TradingStrategySpec, start: str, end: str) -> BacktestResult:
    return run_backtest(
        build_strategy(s), s, data, dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    )


@pytest.fixture(scope="module")
def synthetic_result() -> BacktestResult:
    data = random_market(700, seed=5, tqqq_start=60)
    return backtest(data, spec("Hierarchical_Adaptive_v3_5d", SMALL), "2015-02-01", "2017-06-30")


def test_json_has_every_field_and_consistent_numbers(synthetic_result: BacktestResult) -> None:
    doc = synthetic_result.to_json()
    assert set(doc) >= JSON_KEYS
    assert doc["synthetic"] is True
    assert doc["final_equity"] == synthetic_result.rows[-1].equity
    assert doc["total_return_pct"] == pytest.approx((doc["final_equity"] / 10_000 - 1) * 100)
    assert doc["max_drawdown_pct"] <= 0
    assert doc["trades"] == sum(1 for _, f in synthetic_result.fills if f.side == "sell")
    assert sum(doc["exposure_by_cell"].values()) == pytest.approx(1.0)
    assert doc["baseline"]["final_equity"] == pytest.approx(synthetic_result.baseline[-1])
    json.dumps(doc, allow_nan=False)


def test_equity_is_cash_plus_marked_positions(synthetic_result: BacktestResult) -> None:
    for row in synthetic_result.rows:
        assert row.cash >= 0
    assert (
        synthetic_result.final_state.value({s: 1.0 for s in synthetic_result.final_state.positions})
        >= synthetic_result.final_state.cash
    )


def test_rerun_gives_identical_results() -> None:
    data = random_market(500, seed=6)
    s = spec(parameters=SMALL, timing="open")
    a = backtest(data, s, "2015-03-01", "2016-12-31")
    b = backtest(data, s, "2015-03-01", "2016-12-31")
    assert a.rows == b.rows
    assert a.fills == b.fills
    assert a.to_json() == b.to_json()


def test_later_window_starts_from_cash_with_the_same_signals() -> None:
    data = random_market(500, seed=6)
    s = spec(parameters=SMALL)
    early = backtest(data, s, "2015-03-01", "2016-12-31")
    late = backtest(data, s, "2016-01-01", "2016-12-31")
    by_date = {r.date: r for r in early.rows}
    for r in late.rows:
        assert (r.cell, r.trend, r.vol) == (
            by_date[r.date].cell,
            by_date[r.date].trend,
            by_date[r.date].vol,
        )
    assert late.rows[0].fills > 0  # remembered targets start at 0: full initial allocation


def test_dashboard_round_trips(synthetic_result: BacktestResult, tmp_path: Path) -> None:
    dash, regime = export_dashboard(synthetic_result, tmp_path)
    assert dash.name == "dashboard_Hierarchical_Adaptive_v3_5d.csv"
    raw = dash.read_bytes()
    assert raw.count(b"\n# ") == 10  # 11 comment lines
    assert (
        raw.split(b"\n")[11]
        == b"Date,Portfolio_Value,Baseline_Value,BuyHold_Value,Regime,Trend,Vol\r"
    )
    parsed = read_dashboard_csv(dash)
    assert parsed.synthetic is True
    assert parsed.meta["strategy_name"] == "Hierarchical_Adaptive_v3_5d"
    assert parsed.numbers["initial_capital"] == 10_000
    frame = parsed.frame
    assert len(frame) == len(synthetic_result.rows)
    assert list(frame["Date"].dt.date) == synthetic_result.dates
    equity = np.array([r.equity for r in synthetic_result.rows])
    assert np.abs(frame["Portfolio_Value"].to_numpy() - equity).max() <= 0.005
    assert list(frame["Regime"]) == [r.cell for r in synthetic_result.rows]
    assert list(frame["Trend"]) == [r.trend for r in synthetic_result.rows]
    lines = regime.read_text().splitlines()
    assert lines[0].startswith("date,signal_date,cell,trend,vol,T_norm,z,sma_fast,sma_slow")
    assert "crush" in lines[0]
    assert "w_TQQQ" in lines[0]
    assert "w_CASH" in lines[0]


def test_reader_tolerates_the_original_quirks(tmp_path: Path) -> None:
    text = (
        "# Backtest Dashboard Export\n# strategy_name: Hierarchical_Adaptive_v3_5b\n"
        "# start_date: 2010-01-01\n# total_return: 8102.29\n# alpha: 6.63\n"
        "Date,Portfolio_Value,Baseline_Value,BuyHold_Value,Regime,Trend,Vol\r\n"
        "2010-01-04,10000.00,10000.00,10000.00,3,Sideways,Low\r\n"
        "2010-01-05,10010.00,,10005.00,Cell_1,BullStrong,Low\n"
        "2010-01-06,10020.00,10001.00,,2,BullStrong,High\r\n\r\n"
    )
    path = tmp_path / "d.csv"
    path.write_bytes(text.encode("ascii"))
    parsed = read_dashboard_csv(path)
    assert parsed.synthetic is False
    assert parsed.numbers["total_return"] == 8102.29
    f = parsed.frame
    assert list(f["Regime"]) == [3, 1, 2]
    assert np.isnan(f["Baseline_Value"].iloc[1])
    assert np.isnan(f["BuyHold_Value"].iloc[2])
    assert list(f["Vol"]) == ["Low", "Low", "High"]


def write_csvs(data: MarketData, directory: Path) -> None:
    directory.mkdir()
    for symbol, frame in data.bars.items():
        frame.to_csv(directory / f"{symbol}.csv", index_label="date", date_format="%Y-%m-%d")


def manifest(path: Path, parameters: dict[str, Any], timing: str = "close") -> Path:
    doc = {
        "apiVersion": "trading.stratops.dev/v1alpha1",
        "kind": "TradingStrategy",
        "metadata": {"name": "t"},
        "spec": {
            "strategyId": "t",
            "strategyClass": "Hierarchical_Adaptive_v3_5b",
            "parameters": parameters,
            "execution": {"timing": timing},
        },
    }
    path.write_text(yaml.safe_dump(doc))
    return path


def test_cli_json_prints_exactly_one_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csvs(random_market(400, seed=9), tmp_path / "data")
    args = [
        "backtest", "--strategy", str(manifest(tmp_path / "m.yaml", SMALL)),
        "--data-dir", str(tmp_path / "data"), "--start", "2015-03-01", "--end", "2016-06-30",
        "--json", "--export-dashboard", str(tmp_path / "out"),
    ]  # fmt: skip
    assert main(args) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert set(doc) >= JSON_KEYS
    assert doc["synthetic"] is False  # a plain directory of files is not the generator
    assert err == ""  # no progress bar when stderr is not a terminal
    assert (tmp_path / "out" / "dashboard_Hierarchical_Adaptive_v3_5b.csv").exists()


def test_cli_reports_bad_parameters_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csvs(random_market(50), tmp_path / "data")
    bad = manifest(tmp_path / "m.yaml", {"sma_fast": 500})
    args = ["backtest", "--strategy", str(bad), "--data-dir", str(tmp_path / "data")]
    assert main([*args, "--start", "2015-01-01", "--end", "2015-02-01"]) == 1
    err = capsys.readouterr().err
    assert "parameters.sma_fast: must be below sma_slow" in err
    assert err.count("\n") == 1


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        ROOT / "manifests" / "strategies" / "v3-5b.yaml",
        ROOT / "manifests" / "strategies" / "v3-5d.yaml",
        ROOT / "config" / "backtest-gold" / "v3-5b-gold.yaml",
        ROOT / "config" / "backtest-gold" / "v3-5d-gold.yaml",
    ],
    ids=lambda p: p.name,
)
def test_real_data_backtest_and_dashboard(
    real_data: MarketData, path: Path, tmp_path: Path
) -> None:
    m = load_strategy(path)
    result = run_backtest(
        build_strategy(m.spec), m.spec, real_data, dt.date(2010, 1, 1), dt.date(2025, 12, 12)
    )
    doc = result.to_json()
    assert doc["start"] == "2010-01-04"
    assert doc["end"] == "2025-12-12"
    assert doc["first_decision"] == "2010-01-04"  # 221 bars since 2009-01-02 by then
    assert doc["final_equity"] > 0
    assert doc["trades"] > 50
    assert set(doc["exposure_by_cell"]) == {"1", "2", "3", "4", "5", "6"}
    dash, _ = export_dashboard(result, tmp_path)
    parsed = read_dashboard_csv(dash)
    assert len(parsed.frame) == doc["sessions"]
    assert parsed.frame["Portfolio_Value"].iloc[-1] == pytest.approx(doc["final_equity"], abs=0.005)
    assert parsed.numbers["total_return"] == pytest.approx(doc["total_return_pct"], abs=0.005)
    tqqq = [d for d, f in result.fills if f.symbol == "TQQQ"]
    assert min(tqqq) >= dt.date(2010, 2, 11)  # TQQQ's first bar: cash until then


def test_cli_export_under_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csvs(random_market(400, seed=9), tmp_path / "data")
    (tmp_path / "afile").write_text("not a folder")
    args = [
        "backtest", "--strategy", str(manifest(tmp_path / "m.yaml", SMALL)),
        "--data-dir", str(tmp_path / "data"), "--start", "2015-03-01", "--end", "2016-06-30",
        "--export-dashboard", str(tmp_path / "afile" / "out"),
    ]  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "--export-dashboard" in err
    assert "afile" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
