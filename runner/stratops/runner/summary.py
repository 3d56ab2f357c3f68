"""Human-readable output of `run` and `run-all`: one line per run, a table per run-all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TextIO

from stratops.runner.outcome import RunOutcome
from stratops.runner.runall import Progress, RunAllReport, Tally

PROGRESS_EVERY = 20


def outcome_line(outcome: RunOutcome) -> str:
    """`v3_5b 2025-10-01: traded, equity 10,012.34, cash 3.21: cell 1 (...); 2 fill(s)`."""
    head = f"{outcome.strategy_id} {outcome.trade_date}: {outcome.result}"
    if outcome.failed or outcome.result == "skipped":
        return f"{head} ({outcome.reason}): {outcome.message}"
    money = f", equity {_money(outcome.equity)}, cash {_money(outcome.cash)}"
    return f"{head}{money}: {outcome.message}"


def _money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def report_text(report: RunAllReport) -> str:
    """The summary table, then every failure on its own line."""
    lines = [_headline(report), ""]
    lines.append(
        f"{'strategy':<12} {'role':<9} {'sessions':>8} {'traded':>6} {'no_chg':>6} "
        f"{'done':>5} {'failed':>6} {'equity':>12}  {'cell':>4}  last"
    )
    lines += [_row(t) for t in report.tallies.values()]
    failures = [f for t in report.tallies.values() for f in t.failures]
    if failures or report.broken:
        lines.append("")
    lines += [f"  failed: {outcome_line(f)}" for f in failures]
    lines += [f"  invalid manifest {b.file}: {b.message}" for b in report.broken]
    return "\n".join(lines)


def _headline(report: RunAllReport) -> str:
    days = report.sessions
    span = f"{days[0]}..{days[-1]}" if len(days) > 1 else (str(days[0]) if days else "no session")
    data = f"market data loaded {report.data_loads} time(s)"
    if report.snapshot_id:
        label = " [SYNTHETIC DATA]" if report.synthetic else ""
        data += f" (snapshot {report.snapshot_id}{label})"
    primary = report.primary or "none"
    return f"run-all {span}: {len(days)} session(s), primary {primary}, {data}"


def _row(tally: Tally) -> str:
    c, last = tally.counts, tally.last
    role = "primary" if tally.primary else "secondary"
    equity = _money(last.equity) if last else "n/a"
    cell = str(last.cell) if last and last.cell is not None else "-"
    status = f"{last.trade_date} {last.result}" if last else "not run"
    if tally.stopped_on:
        status += f" (stopped on {tally.stopped_on})"
    return (
        f"{tally.strategy_id:<12} {role:<9} {sum(c.values()):>8} {c['traded']:>6} "
        f"{c['no_change']:>6} {c['already_done']:>5} {c['failed']:>6} {equity:>12}  "
        f"{cell:>4}  {status}"
    )


def progress_printer(stream: TextIO) -> Progress:
    """In place on a terminal; otherwise a line every PROGRESS_EVERY sessions and at the end."""
    tty = stream.isatty()

    def show(done: int, total: int, day: dt.date, outcomes: Sequence[RunOutcome]) -> None:
        if total < 2 or not (tty or done % PROGRESS_EVERY == 0 or done == total):
            return
        results = ", ".join(f"{o.strategy_id} {o.result}" for o in outcomes) or "nothing to run"
        line = f"replay [{done}/{total}] {day}: {results}"
        if tty:
            stream.write(f"\r\033[K{line}" + ("\n" if done == total else ""))
        else:
            stream.write(line + "\n")
        stream.flush()

    return show
