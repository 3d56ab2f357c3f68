"""The read API's queries are served by indexes on a large Postgres ledger: no plan may
read the snapshot or run tables sequentially, and every scan of them must be bounded
by an index condition.

The ledger is generated inside Postgres (generate_series): 240 strategies x 1,000
sessions of snapshots and completed runs (40 of the strategies known only from
legacy-style rows, without a configuration), failures and trades, then ANALYZE, so
the planner decides on real statistics. The statements are captured as the API's
query functions send them (SQLAlchemy's cursor events), plus the Postgres series
fetch that goes through a raw binary cursor, and each is EXPLAINed with its
parameters.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from stratops.api import queries
from stratops.api.pagination import Page
from stratops.api.prometheus import RUN_DURATION_BOUNDS
from stratops.api.queries import runs
from stratops.api.queries.columnar import _arrays_query
from stratops.core.db import create_engine_for, upgrade_to_head

from ...conftest import _fresh_postgres_database, _postgres_server_url

pytestmark = [pytest.mark.db, pytest.mark.postgres]

GUARDED = {"performance_snapshots", "strategy_runs", "run_failures", "trades"}
STRATEGIES, CONFIGURED, DAYS = 240, 200, 1000

FILL = [
    f"""INSERT INTO strategy_configs (strategy_id, display_name, strategy_class, is_primary,
        is_active, parameters, spec)
    SELECT 's' || lpad(i::text, 3, '0'), 'Strategy ' || i, 'Hierarchical_Adaptive_v3_5b',
        i = 0, true, '{{}}', '{{"execution": {{"timing": "open"}}}}'
    FROM generate_series(0, {CONFIGURED - 1}) AS i""",
    f"""INSERT INTO performance_snapshots (strategy_id, snapshot_date, timestamp, total_equity,
        cash, positions_value, baseline_value, strategy_cell, data_snapshot_id)
    SELECT 's' || lpad(i::text, 3, '0'), DATE '2020-01-01' + d,
        TIMESTAMPTZ '2020-01-01 14:45+00' + d * INTERVAL '1 day',
        10000 + i + d, 0, 10000 + i + d, 10000 + d, 1 + d % 6, 'snap-' || d
    FROM generate_series(1, {DAYS}) AS d, generate_series(0, {STRATEGIES - 1}) AS i""",
    f"""INSERT INTO strategy_runs (strategy_id, trade_date, run_id, result, state, equity, cash,
        cell, params_hash, code_version, started_at, finished_at, duration_seconds)
    SELECT 's' || lpad(i::text, 3, '0'), DATE '2020-01-01' + d, md5(i || '-' || d)::uuid::text,
        'no_change', '{{}}', 10000 + i + d, 0, 1 + d % 6, 'h', 'c',
        TIMESTAMPTZ '2020-01-01 14:45+00' + d * INTERVAL '1 day',
        TIMESTAMPTZ '2020-01-01 14:46+00' + d * INTERVAL '1 day', 60
    FROM generate_series(1, {DAYS}) AS d, generate_series(0, {STRATEGIES - 1}) AS i""",
    f"""INSERT INTO run_failures (strategy_id, trade_date, reason, message)
    SELECT 's' || lpad(i::text, 3, '0'), DATE '2020-01-01' + d, 'stale_data', 'no data'
    FROM generate_series(1, {DAYS} / 10) AS d, generate_series(0, {STRATEGIES - 1}) AS i""",
    f"""INSERT INTO trades (strategy_id, timestamp, trade_date, symbol, action, quantity,
        price, value)
    SELECT 's' || lpad(i::text, 3, '0'), TIMESTAMPTZ '2020-01-01 14:45+00' + d * INTERVAL '1 day',
        DATE '2020-01-01' + d, 'QQQ', 'BUY', 1, 100, 100
    FROM generate_series(1, {DAYS} / 5) AS d, generate_series(0, {STRATEGIES - 1}) AS i""",
]


@pytest.fixture(scope="module")
def ledger_engine() -> Iterator[Engine]:
    """One large ledger for the whole module (built once: it takes seconds)."""
    databases = _fresh_postgres_database(_postgres_server_url())
    url = next(databases)
    upgrade_to_head(url)
    engine = create_engine_for(url)
    with engine.begin() as conn:
        for statement in FILL:
            conn.execute(text(statement))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    yield engine
    engine.dispose()
    next(databases, None)  # drops the database


def _captured(engine: Engine, call: Callable[[Session], Any]) -> list[tuple[str, Any]]:
    """Every statement `call` sends through SQLAlchemy, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", note)
    try:
        with Session(engine) as session:
            call(session)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert seen, "the call sent no statement"
    return seen


def _plan(engine: Engine, statement: str, params: Any) -> dict[str, Any]:
    with engine.connect() as conn:
        raw = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar_one()
    plan: dict[str, Any] = (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]
    return plan


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _scans(plan: dict[str, Any], limited: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every node, and whether a Limit above it bounds the rows it reads."""
    limited = limited or plan["Node Type"] == "Limit"
    yield plan, limited
    for child in plan.get("Plans", []):
        yield from _scans(child, limited)


def unbounded_scans(plan: dict[str, Any]) -> list[str]:
    """Scans of a guarded table that read it sequentially or without an index condition,
    unless a Limit above them stops the scan after that many rows (an unfiltered scan
    under a Limit reads no more rows than the Limit lets through)."""
    bad = []
    for node, limited in _scans(plan):
        if node.get("Relation Name") not in GUARDED:
            continue
        if limited and "Filter" not in node:
            continue
        kind = node["Node Type"]
        if kind == "Seq Scan" or ("Index" in kind and "Index Cond" not in node):
            bad.append(f"{kind} on {node['Relation Name']}")
    return bad


IDS = ["s001", "s117", "s230"]
RUNS, FAILURES = STRATEGIES * DAYS, STRATEGIES * (DAYS // 10)
CALLS: dict[str, Callable[[Session], Any]] = {
    "strategy list / status (all)": lambda s: queries.overview(s),
    "strategy list / status (one page)": lambda s: queries.overview(s, page=Page(50, 100)),
    "strategy detail": lambda s: queries.overview(s, "s005"),
    "known strategy count": queries.known_count,
    "is known": lambda s: queries.is_known(s, "s210"),
    "name and spec (legacy-only id)": lambda s: queries.name_and_spec(s, "s210"),
    "latest run": lambda s: queries.latest_run(s, "s005"),
    "latest snapshot": lambda s: queries.latest_snapshot(s, "s005"),
    "snapshot extent": lambda s: queries.snapshot_extent(s, "s005"),
    "ledger version": queries.ledger_version,
    "series rows (SQLite path)": lambda s: queries.snapshots(s, IDS),
    "series range": lambda s: queries.snapshots(
        s, ["s005"], dt.date(2021, 1, 1), dt.date(2021, 6, 30)
    ),
    # /metrics: the newest ids, then only the rows above the settled ones.
    "metrics newest ids": runs.newest_ids,
    "metrics run totals": lambda s: runs.run_totals_after(
        s, RUNS - 500, RUNS - 250, RUN_DURATION_BOUNDS
    ),
    "metrics failure totals": lambda s: runs.failure_totals_after(s, FAILURES - 50, FAILURES),
    # /api/trades: a page and its bounded count.
    "trades (all)": lambda s: queries.trades(s, None, None, None, Page(100, 0)),
    "trades (far page)": lambda s: queries.trades(s, None, None, None, Page(100, 20_000)),
    "trades (one strategy)": lambda s: queries.trades(s, "s005", None, None, Page(100, 0)),
    "trades (date range)": lambda s: queries.trades(
        s, None, dt.date(2020, 3, 1), dt.date(2020, 3, 31), Page(100, 0)
    ),
    "trades (strategy and dates)": lambda s: queries.trades(
        s, "s005", dt.date(2020, 3, 1), dt.date(2020, 3, 31), Page(100, 0)
    ),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_no_sequential_scan_of_the_ledger(ledger_engine: Engine, name: str) -> None:
    for statement, params in _captured(ledger_engine, CALLS[name]):
        plan = _plan(ledger_engine, statement, params)
        assert unbounded_scans(plan) == [], f"{name}: {statement}"


def test_the_series_arrays_fetch_reads_only_the_index(ledger_engine: Engine) -> None:
    """Compare and performance on Postgres: an index-only scan of the covering index."""
    query = _arrays_query(queries.series_query(IDS))
    compiled = query.compile(
        dialect=ledger_engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    plan = _plan(ledger_engine, compiled.string, compiled.params)
    assert unbounded_scans(plan) == []
    scans = [n for n in _nodes(plan) if n.get("Relation Name") == "performance_snapshots"]
    assert [(n["Node Type"], n["Index Name"]) for n in scans] == [
        ("Index Only Scan", "ix_performance_snapshots_series")
    ]


def test_the_check_sees_a_sequential_scan(ledger_engine: Engine) -> None:
    """The rule above can fail: a query without a usable index is caught, and so is a
    count of every trade or every run (what `/api/trades` and `/metrics` used to send)."""
    for statement in (
        "SELECT count(*) FROM performance_snapshots WHERE total_equity > 0",
        "SELECT count(*) FROM trades",
        "SELECT strategy_id, result, count(*) FROM strategy_runs GROUP BY strategy_id, result",
        "SELECT count(*) FROM (SELECT id FROM trades WHERE price > 1 LIMIT 10) AS t",
    ):
        assert unbounded_scans(_plan(ledger_engine, statement, {})) != [], statement
