"""The dashboard revalidates with the ETags by itself: a real Chromium, a real uvicorn.

The API answers ledger reads with a weak ETag and `Cache-Control: no-cache`;
the browser's HTTP cache keeps the body and, the next time the dashboard
fetches the same URL, asks with `If-None-Match`. The server answers 304 with
no body and the page still renders from the cached copy. The server's own
request metrics (`/metrics`) count the 304s, so the test sees what the
browser actually sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from .conftest import ready, tab

pytestmark = [pytest.mark.db, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]

NOT_MODIFIED = re.compile(r'^stratops_api_requests_total\{[^}]*status="304"[^}]*\} (\S+)$', re.M)


def _not_modified(base: str) -> float:
    return sum(float(n) for n in NOT_MODIFIED.findall(httpx.get(base + "/metrics").text))


@pytest.fixture
def cached_page(browser: Any) -> Iterator[Any]:
    """A page without request routing: Playwright turns the HTTP cache off for a context
    that routes requests (the shared `page` fixture does, to keep requests on loopback)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def test_the_dashboard_revalidates_with_etags(
    cached_page: Any, served: Callable[[str], str]
) -> None:
    page = cached_page
    base = served("ranges")
    page.goto(base + "/")
    ready(page)
    tab(page, "performance")
    assert _not_modified(base) == 0
    page.reload()  # the page fetches the same URLs again, now from a warm HTTP cache
    ready(page)
    assert page.locator("h1").first.inner_text() == "Hierarchical Adaptive v3.5b"
    assert page.locator("#equity-chart canvas").count() >= 1
    assert _not_modified(base) >= 1
