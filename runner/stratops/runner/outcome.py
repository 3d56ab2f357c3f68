"""What one run attempt ended with: the `--json` object and the exit code.

Results: `traded` and `no_change` are completed runs (a `strategy_runs` row
was written); `already_done` means the ledger already held the day and
nothing was written; `failed` means nothing was written except a
`run_failures` row; `skipped` means the date is not an NYSE session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from stratops.core.broker import Fill

Result = Literal["traded", "no_change", "already_done", "failed", "skipped"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_DATA = 3
EXIT_STATE = 4

DATA_REASONS = frozenset({"stale_data", "bad_data"})
STATE_REASONS = frozenset({"invalid_state", "state_mismatch"})


def exit_code_for(reason: str) -> int:
    """Documented codes: 3 data refused, 4 state refused, 1 anything else."""
    if reason in DATA_REASONS:
        return EXIT_DATA
    if reason in STATE_REASONS:
        return EXIT_STATE
    return EXIT_FAILED


@dataclass(frozen=True)
class RunOutcome:
    """One strategy, one trading day: the result and the numbers behind it."""

    strategy_id: str
    trade_date: dt.date
    result: Result
    reason: str | None = None
    message: str | None = None
    equity: float | None = None
    cash: float | None = None
    positions: Mapping[str, int] = field(default_factory=dict)
    cell: int | None = None
    trend: str | None = None
    vol: str | None = None
    trades: tuple[Fill, ...] = ()
    snapshot_id: str | None = None
    run_id: str | None = None
    state_repaired: bool = False

    @property
    def failed(self) -> bool:
        return self.result == "failed"

    @property
    def exit_code(self) -> int:
        return exit_code_for(self.reason or "error") if self.failed else EXIT_OK

    def to_json(self) -> dict[str, Any]:
        """The documented `--json` object (plus `message`, `run_id`, `state_repaired`)."""
        return {
            "strategy_id": self.strategy_id,
            "trade_date": self.trade_date.isoformat(),
            "result": self.result,
            "reason": self.reason,
            "message": self.message,
            "equity": self.equity,
            "cash": self.cash,
            "positions": dict(sorted(self.positions.items())),
            "cell": self.cell,
            "trend": self.trend,
            "vol": self.vol,
            "trades": [fill.to_json() for fill in self.trades],
            "snapshot_id": self.snapshot_id,
            "run_id": self.run_id,
            "state_repaired": self.state_repaired,
        }


def failure(strategy_id: str, day: dt.date, reason: str, message: str) -> RunOutcome:
    return RunOutcome(strategy_id, day, "failed", reason=reason, message=message)
