"""After adoption: the read API shows the legacy history as v3_5b, `migrate-registry` takes
its cash from it, and the real runner continues v3_5b with no gap and no double day.

Uses the real registry, configs and state files of the legacy engine and the
real prices in ../shared (skipped where they are absent).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI

from stratops.api.app import create_app
from stratops.api.settings import ApiSettings
from stratops.core.cli import main
from stratops.runner.state import parse_state

from .legacy_db import build, dump, legacy_dir
from .legacy_rows import DAYS

pytestmark = pytest.mark.db
NEXT_DAY = "2025-12-30"  # the first session after the legacy history


@pytest.fixture
def api(db_url: str) -> Iterator[Any]:
    """GET a path of the read API on the test database, in process; returns the JSON."""
    apps: list[FastAPI] = []

    def get(path: str, **params: Any) -> Any:
        if not apps:
            apps.append(create_app(ApiSettings(db_url=db_url)))

        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=apps[0])
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
                return await client.get(path, params=params)

        response = asyncio.run(call())
        assert response.status_code == 200, response.text
        return response.json()

    yield get
    for app in apps:
        app.state.context.engine.dispose()


def adopt(url: str, point: str) -> None:
    build(url, point)
    assert main(["db", "upgrade", "--db", url]) == 0


def migrate_registry(url: str, out: Path) -> int:
    legacy = legacy_dir()
    return main(
        ["migrate-registry", "--registry", str(legacy / "config" / "strategies_registry.yaml"),
         "--state-root", str(legacy / "state" / "strategies"), "--out", str(out), "--db", url]
    )  # fmt: skip


@pytest.mark.parametrize("point", ["fdbab52", "head"])
def test_the_api_shows_the_legacy_history_as_v3_5b(db_url: str, point: str, api: Any) -> None:
    adopt(db_url, point)

    performance = api("/api/performance", strategy_id="v3_5b")
    assert performance["series"]["dates"] == [d.isoformat() for d in DAYS]
    assert performance["series"]["equity"][-1] == pytest.approx(10162.5375)
    assert performance["series"]["equity"][0] == pytest.approx(9999.0)  # the 16:15 refresh
    trades = api("/api/trades", strategy_id="v3_5b")
    assert trades["total"] == 3  # the paper fills; the online_live order is not among them
    assert {t["symbol"] for t in trades["trades"]} == {"TQQQ", "QQQ"}
    ids = [s["id"] for s in api("/api/strategies")["strategies"]]
    assert "v3_5b" in ids
    if point == "head":
        compare = api("/api/performance/compare", strategy_ids=["v3_5b", "v3_5d"])
        assert compare["comparison"]["period"]["start_date"] == DAYS[2].isoformat()
        assert set(compare["comparison"]["strategies"]) == {"v3_5b", "v3_5d"}


def test_migrate_registry_takes_cash_from_the_adopted_database(db_url: str, tmp_path: Path) -> None:
    adopt(db_url, "head")
    assert migrate_registry(db_url, tmp_path / "out") == 0
    configmap = yaml.safe_load((tmp_path / "out" / "state" / "v3-5b-state.yaml").read_text())
    state = parse_state(configmap["data"]["state.json"], "v3-5b-state", "v3_5b")
    assert str(state.trade_date) == DAYS[-1].isoformat()
    assert state.current_positions == {"QQQ": 13, "TQQQ": 38}
    assert state.cash == pytest.approx(285.145)  # the legacy ledger's cash after the last fill


def test_the_runner_continues_v3_5b_without_a_gap_or_a_double_day(
    db_url: str, tmp_path: Path, real_data_dir: Path, api: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    build(db_url, "fdbab52")
    legacy = dump(db_url)
    assert main(["db", "upgrade", "--db", db_url]) == 0
    out = tmp_path / "out"
    assert migrate_registry(db_url, out) == 0
    state_dir = tmp_path / "state"
    for sid, name in (("v3_5b", "v3-5b"), ("v3_5d", "v3-5d")):
        configmap = yaml.safe_load((out / "state" / f"{name}-state.yaml").read_text())
        (state_dir / sid).mkdir(parents=True)
        (state_dir / sid / "state.json").write_text(configmap["data"]["state.json"])
    where = ["--db", db_url, "--data-dir", str(real_data_dir), "--state-dir", str(state_dir)]
    capsys.readouterr()

    last_legacy_day = DAYS[-1].isoformat()
    v35b = str(out / "strategies" / "v3-5b.yaml")
    assert main(["run", "--strategy", v35b, "--date", last_legacy_day, *where]) != 0
    assert "already stepped through 2025-12-29" in capsys.readouterr().err
    assert (
        main(["run-all", "--manifests", str(out / "strategies"), "--date", NEXT_DAY, *where]) == 0
    )
    assert main(["run", "--strategy", v35b, "--date", NEXT_DAY, *where]) == 0  # already_done
    capsys.readouterr()

    series = api("/api/performance", strategy_id="v3_5b")["series"]
    assert series["dates"] == [*(d.isoformat() for d in DAYS), NEXT_DAY]
    state = json.loads((state_dir / "v3_5b" / "state.json").read_text())
    assert state["trade_date"] == NEXT_DAY
    assert state["run_id"] is not None
    assert api("/api/performance", strategy_id="v3_5d")["series"]["dates"] == [NEXT_DAY]

    # the rollback now refuses: v3_5b's new day has no place in the legacy schema
    assert main(["db", "downgrade", "legacy", "--db", db_url]) == 1
    assert "--discard-later-rows" in capsys.readouterr().err
    assert main(["db", "downgrade", "legacy", "--discard-later-rows", "--db", db_url]) == 0
    assert dump(db_url) == legacy
