"""Ledgers the API tests read, built once per test session and copied into each test's database.

A scenario says which strategy runs on which sessions; a *source* turns it
into rows. `runner` drives the real `stratops run` (what issue 7 asks for);
`orm` is a development stand-in that writes similar rows through the models.
`STRATOPS_API_TEST_SOURCE` picks one; the default is the runner whenever the
`run` subcommand exists. Backtests always come from the real `stratops backtest`.

Each scenario is built into a SQLite file once, then copied row by row into
the per-test database (SQLite or Postgres) from tests/conftest.py: the rows
stay exactly what the source wrote, and the tests stay fast.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, insert, select, update

from stratops.core.cli import build_parser, main
from stratops.core.db import Base, UnitOfWork, create_engine_for, upgrade_to_head
from stratops.core.db import models as m
from stratops.core.marketdata import calendar

ROOT = Path(__file__).resolve().parents[3]
MANIFESTS = ROOT / "manifests" / "strategies"
SOURCE_ENV = "STRATOPS_API_TEST_SOURCE"
SYMBOLS = "QQQ,TQQQ,PSQ,TLT,TMF,TMV"
DATA_START = dt.date(2021, 1, 4)
SESSIONS = [d.date() for d in calendar.sessions("2024-06-03", "2024-06-21")]  # 14 sessions


@dataclass(frozen=True)
class StrategyPlan:
    strategy_id: str
    manifest: Path
    dates: Sequence[dt.date]
    failing_date: dt.date | None = None
    """A session the run is attempted for with no market data for it: a real failure."""


@dataclass(frozen=True)
class ConfigBacktestPlan:
    """A `stratops backtest-config` of `manifest` with `parameters` changed (none: the
    configuration the strategy runs now; any: an older configuration, so a stale one)."""

    manifest: Path
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    strategies: Sequence[StrategyPlan] = field(default_factory=tuple)
    backtests: Sequence[Path] = field(default_factory=tuple)
    config_backtests: Sequence[ConfigBacktestPlan] = field(default_factory=tuple)
    """Written in this order, so the later one of a strategy is its newer backtest."""

    @property
    def ids(self) -> list[str]:
        return [s.strategy_id for s in self.strategies]

    def dates_of(self, strategy_id: str) -> list[dt.date]:
        return list(next(s.dates for s in self.strategies if s.strategy_id == strategy_id))


V35B = MANIFESTS / "v3-5b.yaml"
V35D = MANIFESTS / "v3-5d.yaml"
SCENARIOS = {
    "empty": Scenario("empty"),
    "one": Scenario("one", (StrategyPlan("v3_5b", V35B, SESSIONS[:10]),)),
    # v3_5b runs sessions 0-9, v3_5d sessions 4-12 and then fails on session 13:
    # the common dates are sessions 4-9.
    "ranges": Scenario(
        "ranges",
        (
            StrategyPlan("v3_5b", V35B, SESSIONS[:10]),
            StrategyPlan("v3_5d", V35D, SESSIONS[4:13], failing_date=SESSIONS[13]),
        ),
        backtests=(V35B, V35D),
        # v3_5b: an older configuration's backtest, then the current one's;
        # v3_5d: only an older configuration's, so what it shows is stale.
        config_backtests=(
            ConfigBacktestPlan(V35B, {"sma_fast": 30}),
            ConfigBacktestPlan(V35B),
            ConfigBacktestPlan(V35D, {"sma_fast": 30}),
        ),
    ),
}


def source_name() -> str:
    """`runner` unless STRATOPS_API_TEST_SOURCE says otherwise (or there is no runner)."""
    chosen = os.environ.get(SOURCE_ENV)
    if chosen:
        return chosen
    return "runner" if _has_run_command() else "orm"


def _has_run_command() -> bool:
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    return any("run-all" in (getattr(a, "choices", None) or {}) for a in actions)


def fetch_market_data(cache: Path, end: dt.date) -> None:
    """Synthetic market data through `end` (the cache the runner and backtests read)."""
    code = main(
        [
            "data", "fetch", "--provider", "synthetic", "--seed", "11",
            "--start", DATA_START.isoformat(), "--end", end.isoformat(),
            "--symbols", SYMBOLS, "--cache", str(cache),
        ]
    )  # fmt: skip
    assert code == 0, "synthetic market data could not be fetched"


def build(scenario: Scenario, workdir: Path) -> Path:
    """A SQLite file holding `scenario`'s ledger, produced by the chosen source."""
    path = workdir / f"{scenario.name}.db"
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    cache = workdir / "cache"
    if not (cache / "manifest.json").exists():
        fetch_market_data(cache, SESSIONS[12])
    if source_name() == "runner":
        _run_with_runner(scenario, url, cache, workdir)
    else:
        _write_with_orm(scenario, url)
    _configured_when_first_run(scenario, url)
    for manifest in scenario.backtests:
        _backtest(manifest, url, cache, workdir / "dashboards")
    for plan in scenario.config_backtests:
        _backtest_config(plan, url, cache)
    return path


def _configured_when_first_run(scenario: Scenario, url: str) -> None:
    """Date each strategy's config at its first session (missed runs count from there),
    as a strategy configured then and run every day since would be."""
    engine = create_engine_for(url)
    try:
        with UnitOfWork(engine) as session:
            for plan in scenario.strategies:
                if plan.dates:
                    start = dt.datetime.combine(min(plan.dates), dt.time(0), dt.UTC)
                    session.execute(
                        update(m.StrategyConfig)
                        .where(m.StrategyConfig.strategy_id == plan.strategy_id)
                        .values(created_at=start)
                    )
    finally:
        engine.dispose()


def _backtest(manifest: Path, url: str, cache: Path, dashboards: Path) -> None:
    code = main(
        [
            "backtest", "--strategy", str(manifest), "--data-dir", str(cache),
            "--start", "2023-01-03", "--end", SESSIONS[12].isoformat(),
            "--db", url, "--export-dashboard", str(dashboards),
        ]
    )  # fmt: skip
    assert code == 0, f"backtest of {manifest.name} failed"


def _backtest_config(plan: ConfigBacktestPlan, url: str, cache: Path) -> None:
    doc = yaml.safe_load(plan.manifest.read_text())
    doc["spec"]["parameters"] = {**doc["spec"].get("parameters", {}), **plan.parameters}
    code = main(
        [
            "backtest-config", "--manifest-json", json.dumps(doc), "--data-dir", str(cache),
            "--db", url,
        ]
    )  # fmt: skip
    assert code == 0, f"backtest-config of {plan.manifest.name} {dict(plan.parameters)} failed"


def _run_with_runner(scenario: Scenario, url: str, cache: Path, workdir: Path) -> None:
    """`stratops run-all` over each stretch of sessions with the same strategies running,
    so strategies start and stop on different days; then the attempts that must fail."""
    for who, span in _stretches(scenario):
        folder = _manifest_folder(workdir, scenario, who)
        code = main(
            [
                "run-all", "--manifests", str(folder), "--db", url, "--data-dir", str(cache),
                "--from", span[0].isoformat(), "--to", span[-1].isoformat(),
            ]
        )  # fmt: skip
        assert code == 0, f"run-all failed for {sorted(who)} {span[0]}..{span[-1]}"
    for plan in scenario.strategies:
        if plan.failing_date is not None:
            folder = _manifest_folder(workdir, scenario, frozenset({plan.strategy_id}))
            day = plan.failing_date.isoformat()
            main(["run-all", "--manifests", str(folder), "--db", url, "--data-dir", str(cache),
                  "--date", day])  # fmt: skip


def _stretches(scenario: Scenario) -> list[tuple[frozenset[str], list[dt.date]]]:
    days = sorted({d for plan in scenario.strategies for d in plan.dates})
    stretches: list[tuple[frozenset[str], list[dt.date]]] = []
    for day in days:
        who = frozenset(p.strategy_id for p in scenario.strategies if day in p.dates)
        if stretches and stretches[-1][0] == who:
            stretches[-1][1].append(day)
        else:
            stretches.append((who, [day]))
    return stretches


def _manifest_folder(workdir: Path, scenario: Scenario, who: frozenset[str]) -> Path:
    folder = workdir / "manifests" / scenario.name / "-".join(sorted(who))
    folder.mkdir(parents=True, exist_ok=True)
    for plan in scenario.strategies:
        if plan.strategy_id in who:
            (folder / plan.manifest.name).write_bytes(plan.manifest.read_bytes())
    return folder


def copy_ledger(source: Path, target_url: str) -> None:
    """Copy every row of every table (parents first) from a built ledger into `target_url`."""
    src = create_engine_for(f"sqlite:///{source}")
    dst = create_engine_for(target_url)
    try:
        with src.connect() as read, dst.begin() as write:
            for table in Base.metadata.sorted_tables:
                rows = [dict(r) for r in read.execute(select(table)).mappings()]
                if rows:
                    write.execute(insert(table), rows)
            _advance_sequences(write.engine, write)
    finally:
        src.dispose()
        dst.dispose()


def _advance_sequences(engine: Engine, connection: object) -> None:
    """Postgres sequences do not move on explicit ids; keep them past the copied rows."""
    if engine.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is True:
            connection.execute(  # type: ignore[attr-defined]
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )


# ---------------------------------------------------------------------------
# Development stand-in until the runner lands: similar rows through the models.


def _write_with_orm(scenario: Scenario, url: str) -> None:
    engine = create_engine_for(url)
    try:
        with UnitOfWork(engine) as session:
            for rank, plan in enumerate(scenario.strategies):
                session.add(_config(plan, primary=rank == 0))
                for i, day in enumerate(plan.dates):
                    _add_day(session, plan, i, day, rank)
                if plan.failing_date is not None:
                    session.add(
                        m.RunFailure(
                            strategy_id=plan.strategy_id,
                            trade_date=plan.failing_date,
                            reason="stale_data",
                            message=f"no market data for {plan.failing_date}",
                        )
                    )
    finally:
        engine.dispose()


def _config(plan: StrategyPlan, primary: bool) -> m.StrategyConfig:
    return m.StrategyConfig(
        strategy_id=plan.strategy_id,
        display_name=f"Hierarchical Adaptive {plan.strategy_id.replace('_', '.')[1:]}",
        strategy_class=f"Hierarchical_Adaptive_{plan.strategy_id}",
        is_primary=primary,
        is_active=True,
        parameters={},
        spec={"execution": {"timing": "open"}},
    )


def _add_day(session: object, plan: StrategyPlan, i: int, day: dt.date, rank: int) -> None:
    equity = 10000.0 * (1 + 0.004 * (rank + 1)) ** i * (1 - 0.01 * (i % 3 == 2))
    at = dt.datetime.combine(day, dt.time(13, 45), dt.UTC)
    run = m.StrategyRun(
        strategy_id=plan.strategy_id,
        trade_date=day,
        run_id=f"{plan.strategy_id}-{day}",
        result="traded" if i == 0 else "no_change",
        state={"cash": 100.0, "current_positions": {"QQQ": 20}, "last_allocation": {"QQQ": 1.0}},
        equity=equity,
        cash=100.0,
        cell=1,
        trend="BullStrong",
        vol="Low",
        data_snapshot_id="synthetic-snapshot",
        params_hash="0" * 64,
        code_version="dev",
        started_at=at,
        finished_at=at + dt.timedelta(seconds=2),
        duration_seconds=2.0,
    )
    session.add(run)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    session.add(  # type: ignore[attr-defined]
        m.PerformanceSnapshot(
            strategy_id=plan.strategy_id,
            snapshot_date=day,
            timestamp=at,
            total_equity=equity,
            cash=100.0,
            positions_value=equity - 100.0,
            baseline_value=10000.0 * (1.003**i),
            strategy_cell=1,
            trend_state="BullStrong",
            vol_state="Low",
            positions_json=json.dumps({"QQQ": {"quantity": 20, "price": 495.0, "value": 9900.0}}),
            data_snapshot_id="synthetic-snapshot",
            run_id=run.id,
        )
    )
    if i == 0:
        session.add(  # type: ignore[attr-defined]
            m.Trade(
                strategy_id=plan.strategy_id,
                timestamp=at,
                trade_date=day,
                symbol="QQQ",
                action="BUY",
                quantity=20,
                price=495.0,
                value=9900.0,
                commission=0.2,
                slippage=9.9,
                run_id=run.id,
            )
        )
