"""Dashboard CSV export (§7 format) and a tolerant reader for the read API.

Writer: 11 `# key: value` comment lines (LF), then a header and one row per
session from the trading start (CRLF, the csv module's default), exactly the
layout the predecessor's exporter produced, so existing consumers keep working.
Synthetic data is labelled in the title line (line 1, which parsers ignore):
`# Backtest Dashboard Export [SYNTHETIC DATA]`; the reader reports it as
`synthetic=True`. Baseline_Value and BuyHold_Value both hold the QQQ buy-and-hold
curve (the original's two date conventions are gone). Header metrics come from
`stratops.core.performance_metrics`: sharpe_ratio uses rf = 0, alpha is the ratio of the
strategy's total return to the baseline's (as in the original header).

A second file, `regime_<strategyClass>.csv`, holds for each session with a
decision the signal row in force (its signal date, cell, trend, vol, T_norm, z,
SMAs, bond SMAs, crush flag, confirmation counter and target weights).

Reader: accepts LF or CRLF (mixed), missing or extra comment lines, empty
numeric cells (-> NaN), `Cell_3` as well as `3` in Regime, and the default
`3,Sideways,Low` rows before the first decision.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from stratops.core.backtest.result import BacktestResult

TITLE = "# Backtest Dashboard Export"
SYNTHETIC_MARK = "[SYNTHETIC DATA]"
COLUMNS = ("Date", "Portfolio_Value", "Baseline_Value", "BuyHold_Value", "Regime", "Trend", "Vol")
NUMERIC = ("Portfolio_Value", "Baseline_Value", "BuyHold_Value")


def dashboard_path(directory: Path, strategy_class: str) -> Path:
    return directory / f"dashboard_{strategy_class}.csv"


def regime_path(directory: Path, strategy_class: str) -> Path:
    return directory / f"regime_{strategy_class}.csv"


def _num(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else ""


def header_lines(result: BacktestResult) -> list[str]:
    """The 11 comment lines of §7."""
    s, b = result.summary, result.baseline_summary
    alpha = s.total_return / b.total_return if b.total_return else math.nan
    title = f"{TITLE} {SYNTHETIC_MARK}" if result.synthetic else TITLE
    return [
        title,
        f"# strategy_name: {result.strategy_class}",
        f"# start_date: {result.requested_start.isoformat()}",
        f"# end_date: {result.requested_end.isoformat()}",
        f"# initial_capital: {result.initial_capital:.2f}",
        f"# total_return: {_num(s.total_return * 100)}",
        f"# annualized_return: {_num(s.cagr * 100)}",
        f"# sharpe_ratio: {_num(s.sharpe)}",
        f"# max_drawdown: {_num(s.max_drawdown * 100)}",
        f"# alpha: {_num(alpha)}",
        "# baseline_ticker: QQQ",
    ]


def render_dashboard(result: BacktestResult) -> str:
    buf = io.StringIO(newline="")
    for line in header_lines(result):
        buf.write(line + "\n")
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for row, base in zip(result.rows, result.baseline.tolist(), strict=True):
        writer.writerow(
            [
                row.date.isoformat(),
                _num(row.equity),
                _num(base),
                _num(base),
                row.cell,
                row.trend,
                row.vol,
            ]
        )
    return buf.getvalue()


def render_regime(result: BacktestResult) -> str:
    """Signal row in force per session (open timing: the previous session's row)."""
    frame = result.signals.to_frame().drop(columns=["decided", "sigma"])
    frame = frame.rename(columns={"t_norm": "T_norm"})
    dates = pd.DatetimeIndex([r.signal_date for r in result.rows if r.signal_date])
    used = frame.loc[dates].reset_index(names="signal_date")
    sessions = [r.date for r in result.rows if r.signal_date]
    used.insert(0, "date", sessions)
    used["crush"] = used["crush"].astype(int)
    return str(used.to_csv(index=False, lineterminator="\n"))


def export_dashboard(result: BacktestResult, directory: Path) -> tuple[Path, Path]:
    """Write `dashboard_<class>.csv` and `regime_<class>.csv`; returns both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    dash = dashboard_path(directory, result.strategy_class)
    regime = regime_path(directory, result.strategy_class)
    dash.write_bytes(render_dashboard(result).encode("ascii"))
    regime.write_text(render_regime(result), encoding="utf-8")
    return dash, regime


@dataclass(frozen=True)
class Dashboard:
    """A parsed dashboard file: header metadata, synthetic flag and the rows."""

    meta: dict[str, str]
    synthetic: bool
    frame: pd.DataFrame
    title: str = ""
    numbers: dict[str, float] = field(default_factory=dict)


def read_dashboard_csv(path: Path | str) -> Dashboard:
    """Parse a §7 dashboard file, tolerating the original exporter's quirks."""
    text = Path(path).read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    comments = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    meta = _meta(comments)
    title = comments[0] if comments and ":" not in comments[0] else ""
    return Dashboard(
        meta=meta,
        synthetic=SYNTHETIC_MARK in title,
        frame=_rows(body),
        title=title,
        numbers={k: v for k, v in ((k, _float(v)) for k, v in meta.items()) if not math.isnan(v)},
    )


def _meta(comments: list[str]) -> dict[str, str]:
    meta = {}
    for line in comments:
        key, sep, value = line.lstrip("#").partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    return meta


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _rows(body: list[str]) -> pd.DataFrame:
    if not body:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = pd.read_csv(io.StringIO("\n".join(body)), dtype=str, keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    frame["Date"] = pd.to_datetime(frame["Date"].str.strip(), format="%Y-%m-%d")
    for col in NUMERIC:
        if col in frame:
            frame[col] = pd.to_numeric(frame[col].str.strip(), errors="coerce")
    if "Regime" in frame:
        digits = frame["Regime"].str.extract(r"(\d+)")[0]
        frame["Regime"] = pd.to_numeric(digits).astype("Int64")
    for col in ("Trend", "Vol"):
        if col in frame:
            frame[col] = frame[col].str.strip()
    return frame.reset_index(drop=True)
