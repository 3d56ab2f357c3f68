"""ETag rules and the paging helper (pure functions)."""

from __future__ import annotations

import pytest
from sqlalchemy import column, select, table

from stratops.api.http_cache import cached_path, etag, matches
from stratops.api.pagination import Page


def test_the_tag_is_weak_and_follows_version_settings_and_window() -> None:
    tag = etag("v1|settings", (7, 3), 100)
    assert tag.startswith('W/"')
    assert tag.endswith('"')
    assert tag == etag("v1|settings", (7, 3), 100)
    others = {etag("v1|settings", (8, 3), 100), etag("v2|settings", (7, 3), 100)}
    others.add(etag("v1|settings", (7, 3), 101))
    assert tag not in others
    assert len(others) == 3


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        ('W/"abc"', True),
        ('"abc"', True),  # weak comparison ignores the W/ prefix
        ('W/"x", W/"abc"', True),
        ("*", True),
        ('W/"abcd"', False),
    ],
)
def test_if_none_match_uses_weak_comparison(header: str | None, expected: bool) -> None:
    assert matches(header, 'W/"abc"') is expected


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/api/strategies", True),
        ("HEAD", "/api/performance", True),
        ("GET", "/api/status/strategies", False),
        ("POST", "/api/strategies", False),
        ("GET", "/healthz", False),
        ("GET", "/static/js/main.js", False),
    ],
)
def test_which_requests_carry_a_tag(method: str, path: str, expected: bool) -> None:
    assert cached_path(method, path) is expected


def test_a_page_orders_then_cuts() -> None:
    items = table("items", column("id"), column("name"))
    sql = str(Page(10, 20).apply(select(items.c.id), items.c.name, items.c.id))
    assert "ORDER BY items.name, items.id" in sql
    assert "LIMIT" in sql
    assert "OFFSET" in sql
    assert Page(2, 1).cut(list("abcd")) == ["b", "c"]


def test_a_page_refuses_a_query_without_order() -> None:
    items = table("items", column("id"))
    with pytest.raises(ValueError, match="needs an order"):
        Page(10, 0).apply(select(items.c.id))
