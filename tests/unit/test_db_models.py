"""The persistence layer's pure parts: URL handling, names, time zones, commit discipline."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import DateTime, ForeignKeyConstraint, UniqueConstraint
from sqlalchemy.dialects import sqlite

from stratops.core.db import Base, UTCDateTime, describe, parse_url
from stratops.core.errors import UserError

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["core/stratops", "runner/stratops", "api/stratops", "operator/stratops"]
UNIT_OF_WORK = ROOT / "core/stratops/core/db/uow.py"


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u:p@db:5432/stratops", "postgresql+psycopg"),
        ("postgres://u:p@db/stratops", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db/stratops", "postgresql+psycopg"),
        ("sqlite:///relative.db", "sqlite"),
        ("sqlite:////abs/path.db", "sqlite"),
        ("sqlite://", "sqlite"),
    ],
)
def test_urls_are_normalised_to_the_supported_drivers(url: str, driver: str) -> None:
    assert parse_url(url).drivername == driver


@pytest.mark.parametrize(
    "url", ["", "stratops.db", "mysql://u@h/d", "postgresql+psycopg2://u@h/d", "http://x"]
)
def test_other_urls_are_a_user_error(url: str) -> None:
    with pytest.raises(UserError, match=r"sqlite:///PATH or postgresql://"):
        parse_url(url)


def test_descriptions_hide_the_password() -> None:
    text = describe("postgresql://api:hunter2@db:5432/stratops")
    assert "hunter2" not in text
    assert text == "postgresql://api:***@db:5432/stratops"


def _constraint_names() -> list[str]:
    names = []
    for table in Base.metadata.sorted_tables:
        names += [str(c.name) for c in table.constraints if c.name]
        names += [str(i.name) for i in table.indexes]
    return names


def test_every_constraint_and_index_has_a_short_predictable_name() -> None:
    names = _constraint_names()
    assert len(names) == len(set(names))
    assert all(len(name) <= 63 for name in names), "Postgres truncates names beyond 63"
    pattern = re.compile(r"^(pk|uq|ck|fk|ix|idx)_[a-z_0-9]+$")
    assert [n for n in names if not pattern.match(n)] == []


def test_the_legacy_plan_index_names_are_kept() -> None:
    tables = Base.metadata.tables
    assert {i.name for i in tables["performance_snapshots"].indexes} >= {
        "idx_perf_snapshots_strategy"
    }
    assert {i.name for i in tables["trades"].indexes} >= {"idx_trades_strategy"}


def test_the_ledger_is_unique_where_retries_could_duplicate_it() -> None:
    def uniques(table: str) -> set[tuple[str, ...]]:
        constraints = Base.metadata.tables[table].constraints
        return {tuple(c.columns.keys()) for c in constraints if isinstance(c, UniqueConstraint)}

    assert ("strategy_id", "trade_date") in uniques("strategy_runs")
    assert ("strategy_id", "snapshot_date") in uniques("performance_snapshots")
    assert ("strategy_id", "params_hash", "data_snapshot_id", "start_date", "end_date") in uniques(
        "backtest_runs"
    )


def test_backtest_points_go_with_their_backtest() -> None:
    (fk,) = [
        c
        for c in Base.metadata.tables["backtest_points"].constraints
        if isinstance(c, ForeignKeyConstraint)
    ]
    assert fk.ondelete == "CASCADE"


def test_every_timestamp_column_is_timezone_aware() -> None:
    columns = [c for t in Base.metadata.sorted_tables for c in t.columns]
    assert [c for c in columns if isinstance(c.type, DateTime)] == []  # plain, naive-prone
    aware = [c for c in columns if isinstance(c.type, UTCDateTime)]
    assert len(aware) >= 10
    assert isinstance(UTCDateTime.impl, DateTime)
    assert UTCDateTime.impl.timezone


def test_aware_timestamps_are_bound_as_utc() -> None:
    paris = dt.datetime(2026, 1, 20, 15, 45, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    bound = UTCDateTime().process_bind_param(paris, sqlite.dialect())
    assert bound == paris
    assert bound is not None
    assert bound.tzinfo == dt.UTC
    assert bound.hour == 14


def test_naive_timestamps_are_refused_when_bound() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        UTCDateTime().process_bind_param(dt.datetime(2026, 1, 20), sqlite.dialect())


def test_offsetless_values_read_back_are_utc() -> None:
    value = UTCDateTime().process_result_value(dt.datetime(2026, 1, 20, 14, 45), sqlite.dialect())
    assert value == dt.datetime(2026, 1, 20, 14, 45, tzinfo=dt.UTC)


def test_only_the_unit_of_work_commits() -> None:
    """Transactions end at the edge: helpers and repositories never commit."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != UNIT_OF_WORK
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.commit\(\)", line)
    ]
    assert offenders == []
