"""Backtests: the session step shared with the live runner, the loop, results, exports."""

from stratops.core.backtest.engine import run_backtest
from stratops.core.backtest.result import BacktestResult
from stratops.core.backtest.session import (
    PreparedRun,
    SessionResult,
    decision_on,
    prepare,
    step_session,
)

__all__ = [
    "BacktestResult",
    "PreparedRun",
    "SessionResult",
    "decision_on",
    "prepare",
    "run_backtest",
    "step_session",
]
