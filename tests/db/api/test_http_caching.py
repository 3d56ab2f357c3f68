"""HTTP caching and paging on real ledgers: ETag and 304, gzip, limits and stable pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import event, insert

from stratops.core.db import StrategyConfig, create_engine_for

from .conftest import ApiClient

pytestmark = pytest.mark.db
MakeClient = Callable[..., ApiClient]

TAGGED = [
    "/api/strategies",
    "/api/strategies/v3_5b",
    "/api/strategies/v3_5b/state",
    "/api/performance?strategy_id=v3_5b",
    "/api/performance/compare?strategy_ids=v3_5b&strategy_ids=v3_5d",
    "/api/trades",
    "/api/backtest/strategies",
]


@pytest.mark.parametrize("path", TAGGED)
def test_a_repeat_with_the_etag_is_304_without_a_body(make_client: MakeClient, path: str) -> None:
    client = make_client("ranges")
    first = client.get(path)
    assert first.status_code == 200, first.text
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    assert first.headers["cache-control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": tag})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == tag
    other = client.get(path, headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200
    assert other.content == first.content


def test_a_change_to_the_ledger_changes_the_etag(
    make_client: MakeClient, migrated_db_url: str
) -> None:
    client = make_client("ranges", cache_seconds=0)
    before = client.get("/api/strategies")
    tag = before.headers["etag"]
    engine = create_engine_for(migrated_db_url)
    with engine.begin() as conn:
        conn.execute(
            insert(StrategyConfig),
            [
                {
                    "id": 10_000,  # the copied ledger kept its ids; sequences did not move
                    "strategy_id": "newcomer",
                    "display_name": "Newcomer",
                    "strategy_class": "Hierarchical_Adaptive_v3_5b",
                    "parameters": {},
                    "spec": {},
                }
            ],
        )
    engine.dispose()
    after = client.get("/api/strategies", headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert after.headers["etag"] != tag
    assert "newcomer" in [s["id"] for s in after.json()["strategies"]]


@pytest.mark.parametrize("path", ["/api/status/strategies", "/healthz"])
def test_answers_that_depend_on_the_clock_carry_no_etag(make_client: MakeClient, path: str) -> None:
    response = make_client("ranges").get(path)
    assert response.status_code == 200
    assert "etag" not in response.headers


def test_large_bodies_are_gzipped_small_ones_are_not(make_client: MakeClient) -> None:
    client = make_client("ranges")
    asked = {"Accept-Encoding": "gzip"}
    large = client.get("/api/performance", {"strategy_id": "v3_5b"}, headers=asked)
    assert large.headers["content-encoding"] == "gzip"
    assert int(large.headers["content-length"]) < len(large.content)
    assert large.json()["strategy_id"] == "v3_5b"
    small = client.get("/api/strategies/v3_5b/state", headers=asked)
    assert len(small.content) < 1024
    assert "content-encoding" not in small.headers
    identity = {"Accept-Encoding": "identity"}
    plain = client.get("/api/performance", {"strategy_id": "v3_5b"}, headers=identity)
    assert plain.headers.get("content-encoding") in (None, "identity")
    assert plain.content == large.content


def test_the_performance_series_is_column_arrays(make_client: MakeClient) -> None:
    series = make_client("ranges").json("/api/performance", {"strategy_id": "v3_5b"})["series"]
    assert set(series) == {
        "dates",
        "equity",
        "baseline",
        "drawdown",
        "daily_return",
        "cell",
        "trend",
        "vol",
    }
    days = [dt.date.fromisoformat(d) for d in series["dates"]]
    assert days == sorted(days)
    assert len(set(map(len, series.values()))) == 1
    assert series["daily_return"][0] is None
    assert max(series["drawdown"]) <= 0


@pytest.mark.parametrize("path", ["/api/strategies", "/api/status/strategies"])
def test_pages_cover_the_list_once_in_a_stable_order(make_client: MakeClient, path: str) -> None:
    client = make_client("ranges")
    whole = client.json(path)
    ids = [s["id"] for s in whole["strategies"]] if path == "/api/strategies" else None
    ids = ids or list(whole["strategies"])
    assert len(ids) >= 2
    assert whole["total"] == len(ids)
    assert (whole["limit"], whole["offset"]) == (1000, 0)
    paged = []
    for offset in range(len(ids) + 1):
        page = client.json(path, {"limit": 1, "offset": offset})
        assert page["total"] == len(ids)
        items = page["strategies"]
        paged += [s["id"] for s in items] if isinstance(items, list) else list(items)
    assert paged == ids


@pytest.mark.parametrize("path", ["/api/strategies", "/api/status/strategies", "/api/trades"])
@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"offset": -1}])
def test_page_limits_are_enforced(
    make_client: MakeClient, path: str, params: dict[str, int]
) -> None:
    response = make_client("ranges").get(path, params)
    assert response.status_code == 422
    assert list(params) == [response.json()["detail"][0]["loc"][-1]]


def _statements(client: ApiClient, path: str, headers: dict[str, str]) -> tuple[bytes, int]:
    """The answer's body and how many statements the app sent for it."""
    engine = client.app.state.context.engine
    sent: list[str] = []

    def note(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", note)
    try:
        response = client.get(path, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert response.status_code == 200
    return response.content, len(sent)


def test_with_the_cache_on_an_encoded_answer_is_kept_per_etag(make_client: MakeClient) -> None:
    """A second reader of the same URL under the same tag gets the same bytes without a
    query for them (the ledger version is memoized)."""
    path = "/api/backtest/data?strategy_id=v3_5b"
    client = make_client("ranges")
    for encoding in ("gzip", "identity"):
        first, queried = _statements(client, path, {"Accept-Encoding": encoding})
        again, requeried = _statements(client, path, {"Accept-Encoding": encoding})
        assert queried > 0
        assert (again, requeried) == (first, 0)


def test_with_the_cache_off_every_answer_is_recomputed(make_client: MakeClient) -> None:
    path = "/api/backtest/data?strategy_id=v3_5b"
    off = make_client("ranges", cache_seconds=0)
    first, _ = _statements(off, path, {"Accept-Encoding": "identity"})
    again, requeried = _statements(off, path, {"Accept-Encoding": "identity"})
    assert again == first
    assert requeried > 1, "the version and the answer are read again"
