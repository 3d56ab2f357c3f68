"""The `run` and `run-all` handlers: settings, wiring, output. The work is in day/runall."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from stratops.core.cron import parse_time_zone
from stratops.core.errors import UserError
from stratops.core.manifests import load_strategy
from stratops.core.marketdata.calendar import sessions
from stratops.core.resource import TradingStrategy
from stratops.core.strategies.registry import build_strategy
from stratops.runner.alerts import alert_sinks
from stratops.runner.configs import mirror_manifests
from stratops.runner.database import open_ledger
from stratops.runner.day import Services, run_day
from stratops.runner.fleet import load_fleet
from stratops.runner.market import MarketDataSource
from stratops.runner.outcome import RunOutcome
from stratops.runner.runall import Progress, RunAllReport, run_all
from stratops.runner.settings import RunnerSettings, load_settings
from stratops.runner.summary import outcome_line, progress_printer, report_text
from stratops.runner.target import RunTarget, cluster_target, file_target

EXCHANGE_TZ = "America/New_York"


def services(engine: Engine, settings: RunnerSettings) -> Services:
    return Services(engine, settings.code_version)


def symbols_of(manifests: Iterable[TradingStrategy]) -> set[str]:
    """Every series the strategies read; a strategy that cannot be built adds none."""
    wanted: set[str] = set()
    for manifest in manifests:
        try:
            wanted.update(build_strategy(manifest.spec).symbols)
        except UserError:
            continue
    return wanted


def resolve_day(text: str, time_zone: str) -> dt.date:
    """A YYYY-MM-DD date, or `today` in `time_zone` (a CronJob cannot compute dates)."""
    if text != "today":
        return dt.date.fromisoformat(text)
    return dt.datetime.now(parse_time_zone(time_zone)).date()


def run_one(args: argparse.Namespace) -> int:
    """`stratops run`: one strategy, one day; prints the outcome, returns its exit code."""
    settings = load_settings()
    db_url = settings.database(args.db)
    target = _target(args, settings, db_url)
    day = resolve_day(args.date, target.manifest.spec.time_zone)
    directory = settings.data_directory(args.data_dir)
    engine = open_ledger(db_url)
    try:
        source = MarketDataSource(directory, symbols_of([target.manifest]))
        outcome = run_day(target, source, day, services(engine, settings))
    finally:
        engine.dispose()
    _print_outcome(outcome, args.json)
    return outcome.exit_code


def _target(args: argparse.Namespace, settings: RunnerSettings, db_url: str) -> RunTarget:
    if args.state == "configmap":
        if args.strategy is not None:
            raise UserError(
                "--state configmap reads the spec from the cluster: use --strategy-name"
            )
        return cluster_target(args.strategy_name, settings)
    if args.strategy is None:
        raise UserError("--strategy-name needs --state configmap; locally pass --strategy FILE")
    manifest = load_strategy(args.strategy)
    return file_target(manifest, settings.state_directory(args.state_dir, db_url))


def _print_outcome(outcome: RunOutcome, as_json: bool) -> None:
    if as_json:
        print(json.dumps(outcome.to_json(), allow_nan=False))
    elif not outcome.failed:
        print(outcome_line(outcome))
    if outcome.failed:
        print(f"stratops: error: {outcome_line(outcome)}", file=sys.stderr)


@dataclass(frozen=True)
class RunAllRequest:
    """What one `run-all` needs, whoever calls it (the CLI or the demo)."""

    manifests: Path
    days: Sequence[dt.date]
    data_dir: Path
    db_url: str
    state_dir: Path


def run_many(args: argparse.Namespace) -> int:
    """`stratops run-all`: the summary (or JSON) on stdout, progress on stderr."""
    settings = load_settings()
    db_url = settings.database(args.db)
    request = RunAllRequest(
        manifests=args.manifests,
        days=replay_days(args),
        data_dir=settings.data_directory(args.data_dir),
        db_url=db_url,
        state_dir=settings.state_directory(args.state_dir, db_url),
    )
    report = execute_run_all(request, settings, progress_printer(sys.stderr))
    print(json.dumps(report.to_json(), allow_nan=False) if args.json else report_text(report))
    return report.exit_code


def replay_days(args: argparse.Namespace) -> list[dt.date]:
    """`--date D` alone, or every NYSE session of `--from D1 --to D2`."""
    if args.date is not None:
        if args.end is not None:
            raise UserError("--to goes with --from, not with --date")
        return [resolve_day(args.date, EXCHANGE_TZ)]
    if args.end is None:
        raise UserError("--from needs --to")
    if args.end < args.start:
        raise UserError(f"--to {args.end} is before --from {args.start}")
    days = [d.date() for d in sessions(args.start, args.end)]
    if not days:
        raise UserError(f"no NYSE session between {args.start} and {args.end}")
    return days


def execute_run_all(
    request: RunAllRequest, settings: RunnerSettings, progress: Progress | None
) -> RunAllReport:
    """Load the fleet, mirror it, run it over the days; one data source for all of it."""
    fleet = load_fleet(request.manifests)
    targets = [file_target(m, request.state_dir) for m in fleet.active]
    engine = open_ledger(request.db_url)
    try:
        unrecorded = mirror_manifests(engine, fleet.manifests)
        source = MarketDataSource(request.data_dir, symbols_of(fleet.active))
        tallies = run_all(
            targets,
            source,
            request.days,
            services(engine, settings),
            alert_sinks(settings),
            progress,
            refused=unrecorded,
        )
    finally:
        engine.dispose()
    report = RunAllReport(list(request.days), fleet.primary, tallies, fleet.broken)
    report.data_loads = source.loads
    report.snapshot_id, report.synthetic = source.snapshot_id, source.synthetic
    for broken in fleet.broken:
        logging.getLogger(__name__).warning("skipped %s: %s", broken.file, broken.message)
    return report
