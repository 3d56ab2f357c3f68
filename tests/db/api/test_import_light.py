"""What the API loads to serve: no pandas, no pyarrow, no exchange calendar.

Those three cost the API process about 80 MiB of its 200 MiB budget and none
is needed to read the ledger: series are numpy on columns, sessions come from
the standard-library NYSE rule (`stratops.core.nyse`) and config hashes from
the parameter model. Only legacy `dashboard_<class>.csv` exports need pandas,
and they load it on first use. The app is built and its main routes are
served in a fresh interpreter on a real ledger, then `sys.modules` is read.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest

pytestmark = pytest.mark.db

NOT_LOADED = ("pandas", "pyarrow", "exchange_calendars")
PATHS = (
    "/readyz",
    "/api/strategies",
    "/api/strategies/v3_5b",
    "/api/strategies/v3_5b/state",
    "/api/status/strategies",
    "/api/overview",
    "/api/performance?strategy_id=v3_5b",
    "/api/performance/compare?strategy_ids=v3_5b&strategy_ids=v3_5d&include_series=true",
    "/api/backtest/strategies",
    "/api/backtest/data?strategy_id=v3_5b",
    "/api/backtest/compare?strategy_ids=v3_5b&strategy_ids=v3_5d",
    "/api/backtests/configurations/v3_5b",
    "/api/trades",
    "/api/round-trips?strategy_id=v3_5b",
    "/api/sweeps",
    "/metrics",
)

PROBE = """
import asyncio, json, sys
import httpx
from stratops.api.app import create_app
from stratops.api.settings import ApiSettings

app = create_app(ApiSettings(db_url=sys.argv[1], allow_writable_user=True))
paths = json.loads(sys.argv[2])

async def serve():
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        return {p: (await client.get(p)).status_code for p in paths}

codes = asyncio.run(serve())
loaded = [m for m in json.loads(sys.argv[3]) if m in sys.modules]
print(json.dumps({"codes": codes, "loaded": loaded}))
"""


def test_serving_the_main_routes_loads_no_pandas_pyarrow_or_calendar(
    api_db: Callable[[str], str], readonly_login: Callable[[str], str]
) -> None:
    url = readonly_login(api_db("ranges"))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, url, json.dumps(PATHS), json.dumps(NOT_LOADED)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert {p: c for p, c in found["codes"].items() if c != 200} == {}
    assert found["loaded"] == []
