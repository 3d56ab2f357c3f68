"""`stratops db upgrade` adopts the real legacy database; `db downgrade legacy` undoes it.

Both real starting points (the single-strategy engine and its multi-strategy
head), on SQLite and on Postgres, built from the legacy engine's own DDL.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError

from stratops.core.cli import main
from stratops.core.db import (
    PerformanceSnapshot,
    Trade,
    UnitOfWork,
    create_engine_for,
    current_revision,
    head_revision,
    parse_url,
    upgrade_to_head,
)
from stratops.core.errors import UserError

from .legacy_db import REVISIONS, build, dump
from .legacy_rows import DAYS, LIVE, PAPER

pytestmark = pytest.mark.db
POINTS = ["fdbab52", "head"]
LEGACY_ONLY = ("market_data", "data_metadata", "data_audit_log", "system_state",
               "config_overrides", "config_history", "users", "passkeys",
               "blacklisted_tokens", "user_invitations")  # fmt: skip


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ledger(url: str) -> tuple[list[PerformanceSnapshot], list[Trade]]:
    engine = create_engine_for(url)
    try:
        with UnitOfWork(engine) as session:
            snaps = session.scalars(
                select(PerformanceSnapshot).order_by(
                    PerformanceSnapshot.strategy_id, PerformanceSnapshot.snapshot_date
                )
            ).all()
            trades = session.scalars(select(Trade).order_by(Trade.id)).all()
            session.expunge_all()
            return list(snaps), list(trades)
    finally:
        engine.dispose()


def scalar(url: str, sql: str) -> Any:
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


@pytest.mark.parametrize("point", POINTS)
def test_one_upgrade_adopts_the_legacy_database(
    db_url: str, point: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = build(db_url, point)
    before = dump(db_url)
    assert cli(capsys, "db", "current", "--db", db_url)[1].startswith(f"{REVISIONS[point]} (legacy")

    code, out, err = cli(capsys, "db", "upgrade", "--db", db_url)

    assert (code, err) == (0, "")
    assert out.strip().endswith(f": {head_revision()} (head)")
    after = dump(db_url)
    for table in LEGACY_ONLY:  # the legacy engine's own tables: untouched
        assert after[table] == before[table], table
    if point == "head":
        assert after["daily_performance"] == before["daily_performance"]
        assert after["eod_job_status"] == before["eod_job_status"]
    moved = after["legacy_performance_snapshots"]["rows"]
    assert len(moved) == len(before["performance_snapshots"]["rows"])
    # every legacy ledger row kept; a strategy_id everywhere, v3_5d rows keep theirs
    for table in ("legacy_performance_snapshots", "live_trades", "positions"):
        ids = scalar(db_url, f"SELECT COUNT(*) FROM {table} WHERE strategy_id IS NULL")
        assert ids == 0, table
    tagged = scalar(db_url, "SELECT COUNT(*) FROM live_trades WHERE strategy_id = 'v3_5b'")
    assert tagged == len([r for r in rows.tables["live_trades"] if r.get("strategy_id") != "v3_5d"])

    snaps, trades = ledger(db_url)
    got = {(s.strategy_id, s.snapshot_date): (s.total_equity, s.cash) for s in snaps}
    expected = {(sid, day): value for sid, days in rows.expected_days.items()
                for day, value in days.items()}  # fmt: skip
    assert got.keys() == expected.keys()
    for key, (equity, cash) in expected.items():
        assert got[key] == (pytest.approx(equity), pytest.approx(cash, abs=1e-6)), key
    assert all(s.mode == "paper" and s.run_id is None for s in snaps)
    assert all(s.total_equity < 20000 for s in snaps)  # never an online_live value
    assert {(t.strategy_id, t.trade_date, t.symbol, t.action, t.quantity) for t in trades} == {
        ("v3_5b", DAYS[0], "TQQQ", "BUY", 36), ("v3_5b", DAYS[0], "QQQ", "BUY", 13),
        ("v3_5b", DAYS[3], "TQQQ", "BUY", 2),
        *([("v3_5d", DAYS[2], "TLT", "SELL", 1)] if point == "head" else []),
    }  # fmt: skip


@pytest.mark.parametrize("point", POINTS)
def test_downgrade_legacy_restores_the_exact_database(
    db_url: str, point: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build(db_url, point)
    before = dump(db_url)
    assert cli(capsys, "db", "upgrade", "--db", db_url)[0] == 0

    code, out, err = cli(capsys, "db", "downgrade", "legacy", "--db", db_url)

    assert (code, err) == (0, "")
    assert f"{REVISIONS[point]} (legacy engine" in out
    assert dump(db_url) == before
    assert current_revision(db_url) == REVISIONS[point]
    # and the legacy database can be adopted again
    assert cli(capsys, "db", "upgrade", "--db", db_url)[0] == 0


@pytest.mark.parametrize("point", POINTS)
def test_a_failure_half_way_changes_nothing(
    db_url: str, point: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A paper trade stratops cannot record stops the adoption after the schema work (tags,
    the moved table, the stratops tables) is done: all of it is rolled back."""
    build(db_url, point)
    engine = create_engine_for(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE live_trades SET action = 'HOLD' WHERE id = 3"))
    engine.dispose()
    before = dump(db_url)

    code, out, err = cli(capsys, "db", "upgrade", "--db", db_url)

    assert (code, out) == (1, "")
    assert err == (
        "stratops: error: live_trades id 3: action 'HOLD' is not BUY or SELL; nothing was changed\n"
    )
    assert dump(db_url) == before
    engine = create_engine_for(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE live_trades SET action = 'BUY' WHERE id = 3"))
    engine.dispose()
    assert cli(capsys, "db", "upgrade", "--db", db_url)[0] == 0  # a retry just works


@pytest.mark.parametrize("revision", ["0001", "20251201_0001", "a1b2c3d4e5f6"])
def test_a_database_of_neither_chain_is_refused(
    db_url: str, revision: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build(db_url, "fdbab52", revision=revision)
    before = dump(db_url)

    code, out, err = cli(capsys, "db", "upgrade", "--db", db_url)

    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert f"revision {revision!r} belongs neither to the stratops migrations" in err
    assert dump(db_url) == before


def test_a_legacy_database_is_adopted_to_head_only(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build(db_url, "head")
    code, _, err = cli(capsys, "db", "upgrade", "0000", "--db", db_url)
    assert code == 1
    assert "adopted straight to head" in err


def test_stratops_cannot_be_downgraded_below_its_first_revision_once_adopted(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build(db_url, "fdbab52")
    assert cli(capsys, "db", "upgrade", "--db", db_url)[0] == 0
    before = dump(db_url)
    code, _, err = cli(capsys, "db", "downgrade", "base", "--db", db_url)
    assert code == 1
    assert "stratops db downgrade legacy" in err
    assert dump(db_url) == before


def test_downgrade_legacy_of_a_database_never_adopted_is_refused(
    migrated_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "db", "downgrade", "legacy", "--db", migrated_db_url)
    assert code == 1
    assert "not an adopted legacy database" in err


def test_paper_and_live_rows_at_the_same_instant_stay_apart(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build(db_url, "fdbab52")
    assert cli(capsys, "db", "upgrade", "--db", db_url)[0] == 0
    live = scalar(
        db_url, f"SELECT COUNT(*) FROM legacy_performance_snapshots WHERE mode = '{LIVE}'"
    )
    paper = scalar(
        db_url, f"SELECT COUNT(*) FROM legacy_performance_snapshots WHERE mode = '{PAPER}'"
    )
    assert live == 2 * len(DAYS)
    assert paper > len(DAYS)  # several a day...
    snaps, _ = ledger(db_url)
    assert len(snaps) == len(DAYS)  # ...one a day in the ledger
    last = snaps[-1]
    assert last.snapshot_date == DAYS[-1]
    # the 19:40 New York refresh of the last day is 00:40 UTC of the next day
    assert last.timestamp == dt.datetime(2025, 12, 30, 0, 40, tzinfo=dt.UTC)


def test_only_the_explicit_upgrade_adopts(db_url: str) -> None:
    """A local runner or the demo brings SQLite to head on first use, but never adopts a
    legacy database behind the user's back."""
    build(db_url, "fdbab52")
    before = dump(db_url)
    with pytest.raises(UserError, match=r"legacy engine's \(revision 20260117_0001\)"):
        upgrade_to_head(db_url)
    assert dump(db_url) == before


def test_the_api_reader_sees_the_ledger_but_not_the_legacy_users(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Postgres: the read-only role's blanket grant is taken back on the legacy engine's
    tables (users, passkeys, tokens ...); the stratops ledger stays readable."""
    if not db_url.startswith("postgres"):
        pytest.skip("roles exist on Postgres only")
    build(db_url, "head")
    assert cli(capsys, "db", "upgrade", "--db", db_url)[0] == 0
    # down below the role's migration and up again: its blanket grant runs once more
    assert cli(capsys, "db", "downgrade", "0000", "--db", db_url)[0] == 0
    assert cli(capsys, "db", "upgrade", "--db", db_url)[0] == 0
    name, password = f"stratops_reader_t_{secrets.token_hex(4)}", secrets.token_hex(12)
    admin = create_engine_for(db_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'"))
        conn.execute(text(f"GRANT stratops_readonly TO {name}"))
    reader = create_engine_for(
        parse_url(db_url).set(username=name, password=password).render_as_string(False)
    )
    try:
        with reader.connect() as conn:
            days = conn.execute(text("SELECT COUNT(*) FROM performance_snapshots")).scalar()
            assert days == 8  # five v3_5b days and three v3_5d days
        for table in ("users", "passkeys", "legacy_performance_snapshots", "live_trades"):
            with reader.connect() as conn, pytest.raises(ProgrammingError, match="permission"):
                conn.execute(text(f"SELECT 1 FROM {table}"))
    finally:
        reader.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP ROLE {name}"))
        admin.dispose()
