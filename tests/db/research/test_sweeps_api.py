"""`/api/sweeps` and `/api/sweeps/{name}`: the rows `stratops sweep` wrote, ranked and paged."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from stratops.api.app import create_app
from stratops.api.settings import ApiSettings

from .support import cli, rows, sweep_doc, write_sweep

pytestmark = pytest.mark.db


def _get(url: str, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
    app = create_app(ApiSettings(db_url=url))

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            return await client.get(path, params=params)

    try:
        return asyncio.run(call())
    finally:
        app.state.context.engine.dispose()


@pytest.fixture
def swept(migrated_db_url: str, market_cache: Path, tmp_path: Path) -> str:
    """Two sweeps in the ledger: `sma` (6 sets, split) and `one` (a single set)."""
    for doc in (sweep_doc(), sweep_doc("one", grid=None, sets=[{"sma_fast": 35}])):
        path = write_sweep(tmp_path / doc["metadata"]["name"], doc)
        done = cli("sweep", path, "--data-dir", market_cache, "--db", migrated_db_url)
        assert done.returncode == 0, done.stderr
    return migrated_db_url


def test_list_detail_and_pages(swept: str) -> None:
    """One ledger, every read: list, ranked detail, stable pages."""
    _the_list_is_newest_first_and_counts_each_sweep(swept)
    _the_detail_ranks_every_set_with_both_parts(swept)
    _pages_of_the_ranking_are_stable_and_disjoint(swept)


def _the_list_is_newest_first_and_counts_each_sweep(swept: str) -> None:
    body = _get(swept, "/api/sweeps").json()
    assert body["total"] == 2
    assert [s["name"] for s in body["sweeps"]] == ["one", "sma"]
    sma = body["sweeps"][1]
    assert (sma["done"], sma["total"], sma["failed"]) == (6, 6, 0)
    assert sma["best_score"] == max(r["score"] for r in rows(swept) if r["sweep_id"] == sma["id"])
    page = _get(swept, "/api/sweeps", {"limit": 1, "offset": 1}).json()
    assert [s["name"] for s in page["sweeps"]] == ["sma"]
    assert _get(swept, "/api/sweeps", {"namespace": "other"}).json()["sweeps"] == []


def _the_detail_ranks_every_set_with_both_parts(swept: str) -> None:
    body = _get(swept, "/api/sweeps/sma").json()
    sets = body["sets"]
    assert [s["rank"] for s in sets] == list(range(1, 7))
    scores = [s["score"] for s in sets]
    assert scores == sorted(scores, reverse=True)
    assert all(s["in_sample"]["sharpe"] == s["score"] for s in sets)  # rankOn: inSample
    assert all(s["out_of_sample"]["start"] >= "2019-01-01" for s in sets)
    assert body["grid"] == {"sma_fast": [30, 40], "sma_slow": [120, 140, 160]}
    assert body["base_spec"]["strategyClass"] == "Hierarchical_Adaptive_v3_5b"
    assert body["period"]["outOfSampleStart"] == "2019-01-01"


def _pages_of_the_ranking_are_stable_and_disjoint(swept: str) -> None:
    whole = [s["index"] for s in _get(swept, "/api/sweeps/sma").json()["sets"]]
    pages = [
        _get(swept, "/api/sweeps/sma", {"limit": 4, "offset": offset}).json()["sets"]
        for offset in (0, 4)
    ]
    assert [s["index"] for page in pages for s in page] == whole
    assert [s["rank"] for s in pages[1]] == [5, 6]


def test_unknown_sweeps_and_bad_parameters(migrated_db_url: str) -> None:
    swept = migrated_db_url
    missing = _get(swept, "/api/sweeps/nope")
    assert missing.status_code == 404
    assert json.loads(missing.text)["detail"] == "no sweep named 'nope'"
    assert _get(swept, "/api/sweeps/Bad_Name").status_code == 422
    assert _get(swept, "/api/sweeps", {"limit": 0}).status_code == 422
