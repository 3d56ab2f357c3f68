"""The promotion policy and its report: pure functions over a compare result (no I/O).

`evaluate` applies a `Policy` to the comparison `/api/performance/compare`
makes of [current, candidate]; `stratops promote-check` (promote.py) reads the
database and prints the verdict. Limits are inclusive within the compare
module's tie tolerance (1e-9), so a value exactly at a limit passes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from stratops.api.analytics import TIE_TOLERANCE
from stratops.api.schemas import Comparison, Metrics


@dataclass(frozen=True)
class Policy:
    """What a candidate must show over the common paper-trading dates."""

    min_days: int = 60
    min_sharpe_delta: float = 0.0
    max_drawdown_worse_pct: float = 2.0
    allow_data_mismatch: bool = False


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Verdict:
    current: str
    candidate: str
    policy: Policy
    checks: tuple[Check, ...]
    comparison: Comparison

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


def evaluate(comparison: Comparison, current: str, candidate: str, policy: Policy) -> Verdict:
    """Apply the policy to a comparison made with `current` first (pure)."""
    now, new = comparison.strategies[current], comparison.strategies[candidate]
    checks = (
        _days(comparison.period.trading_days, policy),
        _sharpe(now, new, policy),
        _drawdown(now, new, policy),
        _data(comparison, policy),
    )
    return Verdict(current, candidate, policy, checks, comparison)


def _days(days: int, policy: Policy) -> Check:
    verb = ">=" if days >= policy.min_days else "<"
    return Check("days", days >= policy.min_days, f"{days} common dates {verb} {policy.min_days}")


def _sharpe(now: Metrics, new: Metrics, policy: Policy) -> Check:
    if now.sharpe_ratio is None or new.sharpe_ratio is None:
        return Check("sharpe", False, "no Sharpe ratio (fewer than three dates or a flat curve)")
    delta = new.sharpe_ratio - now.sharpe_ratio
    ok = delta >= policy.min_sharpe_delta - TIE_TOLERANCE
    verb = ">=" if ok else "<"
    return Check("sharpe", ok, f"delta {delta:+.4f} {verb} required {policy.min_sharpe_delta:+.4f}")


def _drawdown(now: Metrics, new: Metrics, policy: Policy) -> Check:
    if now.max_drawdown is None or new.max_drawdown is None:
        return Check("drawdown", False, "no maximum drawdown (no common dates)")
    worse = now.max_drawdown - new.max_drawdown  # drawdowns are <= 0: positive = deeper
    ok = worse <= policy.max_drawdown_worse_pct + TIE_TOLERANCE
    limit = f"at most {policy.max_drawdown_worse_pct:.2f} pp deeper allowed"
    return Check("drawdown", ok, f"{worse:+.2f} pp deeper than the current primary; {limit}")


def _data(comparison: Comparison, policy: Policy) -> Check:
    if not comparison.data_snapshot_mismatch:
        return Check("data", True, "the same market-data snapshot on every common date")
    detail = (
        f"different market data on {comparison.mismatched_dates} common date(s), "
        f"first {comparison.first_mismatched_date}"
    )
    if policy.allow_data_mismatch:
        return Check("data", True, detail + " (allowed by --allow-data-mismatch)")
    return Check("data", False, detail)


ROWS = (
    ("Sharpe ratio", "sharpe_ratio", "{:.4f}"),
    ("CAGR %", "cagr", "{:.2f}"),
    ("max drawdown %", "max_drawdown", "{:.2f}"),
    ("total return %", "total_return", "{:.2f}"),
)


def _cell(value: float | None, fmt: str) -> str:
    return "n/a" if value is None else fmt.format(value)


def _signed(value: float | None, fmt: str) -> str:
    return "n/a" if value is None else ("+" if value >= 0 else "") + fmt.format(value)


def report_text(verdict: Verdict) -> str:
    """The readable report: period, the metrics side by side, then each check."""
    comp = verdict.comparison
    now, new = comp.strategies[verdict.current], comp.strategies[verdict.candidate]
    diff = comp.differences or {}
    head = f"promote-check {verdict.candidate} over {verdict.current}: "
    lines = [head + ("PASS" if verdict.passed else "FAIL")]
    period = comp.period
    lines.append(
        f"common paper-trading dates: {period.start_date} .. {period.end_date} "
        f"({period.trading_days} days)"
    )
    lines.append(
        f"{'':16}{verdict.current + ' (current)':>20}"
        f"{verdict.candidate + ' (candidate)':>22}{'difference':>12}"
    )
    for label, key, fmt in ROWS:
        lines.append(
            f"{label:16}{_cell(getattr(now, key), fmt):>20}{_cell(getattr(new, key), fmt):>22}"
            f"{_signed(diff.get(key), fmt):>12}"
        )
    for check in verdict.checks:
        lines.append(f"[{'PASS' if check.passed else 'FAIL'}] {check.name}: {check.detail}")
    return "\n".join(lines)


def report_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "passed": verdict.passed,
        "candidate": verdict.candidate,
        "current": verdict.current,
        "policy": asdict(verdict.policy),
        "checks": [asdict(c) for c in verdict.checks],
        "comparison": verdict.comparison.model_dump(mode="json"),
    }
