"""`stratops demo`: the whole job on one machine, with one command and no flags.

1. a workspace under `./.stratops-demo/` (SQLite ledger, migrated to head);
2. market data: the bundled synthetic generator into a cache there (labelled
   synthetic everywhere), or `--data-dir` with real CSVs;
3. a backtest of every active manifest, stored in the ledger;
4. a paper-trading replay of the last `--replay-sessions` sessions through the
   real runner (`run-all`'s own code path, so exactly-once applies: a rerun
   finds its days already done);
5. the read API and dashboard on http://127.0.0.1:8000 until Ctrl-C.

Every step reuses what exists, so running it again is quick.
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import sys
import time
from pathlib import Path

from stratops.core.db import describe, head_revision, upgrade_to_head
from stratops.core.errors import UserError
from stratops.core.marketdata.frames import MarketData
from stratops.core.strategies.registry import build_strategy
from stratops.runner.demo_steps import (
    BacktestLine,
    Workspace,
    backtest_all,
    ensure_synthetic_cache,
    manifests_dir,
    workspace,
)
from stratops.runner.fleet import Fleet, load_fleet
from stratops.runner.handlers import (
    RunAllRequest,
    execute_run_all,
    symbols_of,
)
from stratops.runner.market import MarketDataSource
from stratops.runner.settings import load_settings
from stratops.runner.summary import progress_printer, report_text

DEFAULT_HOME = Path(".stratops-demo")
DEFAULT_SIGNAL = "QQQ"


def say(message: str) -> None:
    print(message, flush=True)


def demo(args: argparse.Namespace) -> int:
    """Build (or reuse) the demo workspace, then serve it unless --no-serve."""
    started = time.monotonic()
    if args.replay_sessions < 1:
        raise UserError("--replay-sessions must be at least 1")
    if not args.no_serve:
        _require_free_port(args.host, args.port)
    settings = load_settings()
    space = workspace(args.home or DEFAULT_HOME, args.data_dir)
    space.root.mkdir(parents=True, exist_ok=True)
    folder = manifests_dir(args.manifests)
    fleet = load_fleet(folder)
    say(f"stratops demo: workspace {space.root} (manifests from {folder})")
    upgrade_to_head(space.db_url)
    say(f"  database     {describe(space.db_url)} at schema {head_revision()}")
    data = _market_data(space, fleet)
    _report_backtests(backtest_all(list(fleet.active), data, space.db_url))
    days = _replay_days(data, fleet, args.replay_sessions)
    say(f"  paper        replaying {len(days)} session(s) {days[0]}..{days[-1]} through the runner")
    request = RunAllRequest(folder, days, space.data_dir, space.db_url, space.state_dir)
    report = execute_run_all(request, settings, progress_printer(sys.stderr))
    say("")
    say(report_text(report))
    say("")
    say(f"ready in {time.monotonic() - started:.1f}s")
    if args.no_serve:
        return report.exit_code
    return _serve(space, args.host, args.port)


def _market_data(space: Workspace, fleet: Fleet) -> MarketData:
    wanted = sorted(symbols_of(fleet.active))
    if space.synthetic:
        data, fetched = ensure_synthetic_cache(space, wanted)
        verb = "generated" if fetched else "reused"
        label = "SYNTHETIC DATA, not market prices"
    else:
        data, verb, label = MarketDataSource(space.data_dir, wanted).get(), "read", "real data"
    first = min(frame.index[0] for frame in data.bars.values())
    last = max(frame.index[-1] for frame in data.bars.values())
    say(
        f"  market data  {verb} {len(data.bars)} symbols {first:%Y-%m-%d}..{last:%Y-%m-%d} "
        f"from {space.data_dir}, snapshot {data.snapshot_id} [{label}]"
    )
    return data


def _report_backtests(lines: list[BacktestLine]) -> None:
    for line in lines:
        verb = "stored" if line.created else "already stored"
        cagr = "n/a" if line.cagr_pct is None else f"{line.cagr_pct:.2f}%"
        sharpe = "n/a" if line.sharpe is None else f"{line.sharpe:.2f}"
        say(
            f"  backtest     {line.strategy_id} {line.start}..{line.end}: CAGR {cagr}, "
            f"Sharpe {sharpe} ({verb})"
        )


def _replay_days(data: MarketData, fleet: Fleet, count: int) -> list[dt.date]:
    """The last `count` sessions of the first (primary first) strategy's signal symbol."""
    signal = DEFAULT_SIGNAL
    for manifest in fleet.active:
        try:
            signal = build_strategy(manifest.spec).signal_symbol
            break
        except UserError:
            continue
    if signal not in data.bars:
        raise UserError(f"the market data has no {signal} bars to replay")
    return [d.date() for d in data.bars[signal].index[-count:]]


def _require_free_port(host: str, port: int) -> None:
    """Fail before minutes of work, not after, when the port is taken.

    SO_REUSEADDR as uvicorn sets it: a connection of the previous run still in
    TIME-WAIT (an open browser tab) does not stop the server, so it must not stop
    the probe either; only a live listener does."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(
                f"cannot listen on {host}:{port} ({exc.strerror}); pass --port"
            ) from None


def _serve(space: Workspace, host: str, port: int) -> int:
    import uvicorn

    from stratops.api.app import create_app
    from stratops.api.settings import ApiSettings

    app = create_app(ApiSettings(db_url=space.db_url, host=host, port=port))
    say(f"  serving      the API and dashboard on http://{host}:{port}/  (Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
    say("stratops demo: stopped")
    return 0
