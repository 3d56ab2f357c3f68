"""`stratops migrate-registry` against a database holding the legacy history (SQLite and Postgres).

The database is what `stratops db upgrade` makes of a legacy one: the stratops
ledger with one snapshot per trading day of v3_5b and no stratops run
(test_adoption.py and test_adopted_history.py build the real legacy starting
points; here the fixture registry needs only the ledger rows). It lends the
migration the cash that state.json does not hold.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from stratops.core.cli import main
from stratops.core.db import PerformanceSnapshot, UnitOfWork, create_engine_for, upgrade_to_head
from stratops.runner.state import parse_state

pytestmark = pytest.mark.db

FIXTURE = Path(__file__).resolve().parents[2] / "unit" / "legacy" / "fixture"
ROWS = [  # (date, total_equity, cash, positions_json as the legacy engine wrote it)
    (dt.date(2026, 1, 14), 10388.10, 790.12, '{"QQQ": 13, "TQQQ": 37}'),
    (dt.date(2026, 1, 15), 10401.00, 870.30, '{"QQQ": 13, "TQQQ": 36}'),
    (dt.date(2026, 1, 16), 10412.37, 812.45, '{"QQQ": 13, "TQQQ": 38}'),
]


def legacy_database(url: str) -> None:
    upgrade_to_head(url)
    engine = create_engine_for(url)
    with UnitOfWork(engine) as session:
        for day, equity, cash, positions in ROWS:
            session.add(
                PerformanceSnapshot(
                    strategy_id="v3_5b", snapshot_date=day,
                    timestamp=dt.datetime.combine(day, dt.time(21, 15), dt.UTC),
                    total_equity=equity, cash=cash, positions_value=equity - cash,
                    positions_json=positions, mode="paper",
                )
            )  # fmt: skip
    engine.dispose()


def migrate(url: str, out: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(FIXTURE)
    return main(
        [
            "migrate-registry", "--registry", "config/strategies_registry.yaml",
            "--state-root", "state/strategies", "--out", str(out), "--namespace", "trading",
            "--db", url,
        ]
    )  # fmt: skip


def test_migration_takes_cash_from_the_legacy_database(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy_database(db_url)
    capsys.readouterr()
    assert migrate(db_url, tmp_path / "out", monkeypatch) == 0
    configmap = yaml.safe_load((tmp_path / "out" / "state" / "v3-5b-state.yaml").read_text())
    state = parse_state(configmap["data"]["state.json"], "v3-5b-state", "v3_5b")
    assert state.cash == 812.45
    assert state.current_positions == {"QQQ": 13, "TQQQ": 38}
    assert str(state.trade_date) == "2026-01-16"
    assert state.account_equity == 10412.37
    report = capsys.readouterr().out
    assert report.startswith("migrated 2 strategies into ")
    assert "v3_5b: v3-5b.yaml (primary), state/v3-5b-state.yaml" in report
    assert "execution.max_slippage_pct" in report
    assert report == (tmp_path / "out" / "migration-report.txt").read_text()


def test_manifests_written_are_valid_and_namespaced(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    legacy_database(db_url)
    assert migrate(db_url, tmp_path / "out", monkeypatch) == 0
    files = sorted((tmp_path / "out" / "strategies").glob("*.yaml"))
    assert [f.name for f in files] == ["v3-5b.yaml", "v3-5d.yaml"]
    assert main(["validate", *map(str, files)]) == 0
    v35d = yaml.safe_load(files[1].read_text())
    assert v35d["metadata"]["namespace"] == "trading"
    state = yaml.safe_load((tmp_path / "out" / "state" / "v3-5d-state.yaml").read_text())
    assert json.loads(state["data"]["state.json"])["cash"] == 10000.0  # no rows, no positions


def test_a_second_run_never_overwrites_the_first(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy_database(db_url)
    assert migrate(db_url, tmp_path / "out", monkeypatch) == 0
    capsys.readouterr()
    assert migrate(db_url, tmp_path / "out", monkeypatch) == 1
    assert "already exists; choose an empty --out" in capsys.readouterr().err


def test_a_legacy_database_not_yet_adopted_asks_for_the_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    engine = create_engine_for(url)
    with engine.begin() as connection:  # the legacy table: keyed by mode + timestamp
        connection.execute(
            text(
                "CREATE TABLE performance_snapshots (id INTEGER PRIMARY KEY, "
                "timestamp DATETIME NOT NULL, total_equity NUMERIC(18, 6) NOT NULL, "
                "cash NUMERIC(18, 6), mode VARCHAR(20) NOT NULL)"
            )
        )
    engine.dispose()
    assert migrate(url, tmp_path / "out", monkeypatch) == 1
    assert "stratops db upgrade --db URL` first" in capsys.readouterr().err
