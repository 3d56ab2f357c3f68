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
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .test_dashboard_browser import _ready, browser, page, served

pytestmark = [pytest.mark.db, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]
__all__ = ["browser", "page", "served"]  # fixtures used by the test below

NOT_MODIFIED = re.compile(r'^stratops_api_requests_total\{[^}]*status="304"[^}]*\} (\S+)$', re.M)


def _not_modified(base: str) -> float:
    return sum(float(n) for n in NOT_MODIFIED.findall(httpx.get(base + "/metrics").text))


def test_the_dashboard_revalidates_with_etags(page: Any, served: Callable[[str], str]) -> None:
    base = served("ranges")
    page.goto(base + "/")
    _ready(page)
    assert _not_modified(base) == 0
    page.click("#selector .chip[data-strategy=v3_5d]")
    _ready(page)
    page.click("#selector .chip[data-strategy=v3_5b]")  # the same URLs as the first view
    _ready(page)
    assert page.locator("h1").first.inner_text() == "Hierarchical Adaptive v3.5b"
    assert page.locator("#equity-chart canvas").count() >= 1
    assert _not_modified(base) >= 1
    assert page.problems == []
