"""`stratops migrate-registry` against a populated legacy database (SQLite and Postgres).

The database starts as the legacy engine left it (schema 0001, no strategy_id,
several days of v3_5b snapshots), is upgraded the documented way (`stratops db
upgrade`, which tags every legacy row v3_5b), and then lends the migration the
cash that state.json does not hold.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from stratops.core.cli import main
from stratops.core.db import create_engine_for, upgrade
from stratops.runner.state import parse_state

pytestmark = pytest.mark.db

FIXTURE = Path(__file__).resolve().parents[2] / "unit" / "legacy" / "fixture"
ROWS = [  # (date, total_equity, cash, positions_json as the legacy engine wrote it)
    (dt.date(2026, 1, 14), 10388.10, 790.12, '{"QQQ": 13, "TQQQ": 37}'),
    (dt.date(2026, 1, 15), 10401.00, 870.30, '{"QQQ": 13, "TQQQ": 36}'),
    (dt.date(2026, 1, 16), 10412.37, 812.45, '{"QQQ": 13, "TQQQ": 38}'),
]
INSERT = text(
    "INSERT INTO performance_snapshots (snapshot_date, timestamp, total_equity, cash, "
    "positions_value, positions_json, mode) VALUES (:d, :ts, :eq, :cash, :pv, :pos, 'paper')"
)


def legacy_database(url: str) -> None:
    upgrade(url, "0001")
    engine = create_engine_for(url)
    with engine.begin() as connection:
        for day, equity, cash, positions in ROWS:
            moment = dt.datetime.combine(day, dt.time(14, 46), dt.UTC)
            connection.execute(
                INSERT,
                {"d": day, "ts": moment, "eq": equity, "cash": cash, "pv": equity - cash,
                 "pos": positions},
            )  # fmt: skip
    engine.dispose()
    assert main(["db", "upgrade", "--db", url]) == 0


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


def test_a_database_without_strategy_id_asks_for_the_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    upgrade(url, "0001")
    assert migrate(url, tmp_path / "out", monkeypatch) == 1
    assert "stratops db upgrade" in capsys.readouterr().err
