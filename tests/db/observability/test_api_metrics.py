"""`/metrics` of the read API, scraped in process: the series, their labels, and how they move.

The runner's numbers come from the ledger at scrape time, so writing a run
or a failure between two scrapes must show up in the second one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from stratops.api.app import create_app
from stratops.api.settings import ApiSettings

from .conftest import NOW, Api, value
from .ledger_rows import add_config, add_failure, add_run

CREATED = dt.datetime(2025, 11, 3, tzinfo=dt.UTC)
THANKSGIVING_WEEK = ["2025-11-24", "2025-11-25", "2025-11-26", "2025-11-28"]
AFTER_IT = ["2025-12-01", "2025-12-02"]


def seed(engine: Engine) -> None:
    """v3_5b ran through Friday 21 November and then stopped; v3_5d only failed."""
    add_config(engine, "v3_5b", CREATED, primary=True)
    add_config(engine, "v3_5d", NOW.astimezone(dt.UTC), active=False)
    add_run(engine, "v3_5b", dt.date(2025, 11, 20), equity=10_100.0, seconds=3.0)
    add_run(engine, "v3_5b", dt.date(2025, 11, 21), 10_250.5, 12.0, result="no_change")
    add_failure(engine, "v3_5d", dt.date(2025, 11, 21), "stale_data")


def test_request_series_use_the_route_template_and_status(api: Api, db_engine: Engine) -> None:
    seed(db_engine)
    assert api.get("/api/strategies/v3_5b").status_code == 200
    assert api.get("/api/strategies/v3_5b").status_code == 200
    assert api.get("/api/strategies/nope").status_code == 404
    assert api.get("/no/such/page").status_code == 404
    samples = api.scrape()

    route = "/api/strategies/{strategy_id}"
    total = "stratops_api_requests_total"
    assert value(samples, total, method="GET", route=route, status="200") == 2
    assert value(samples, total, method="GET", route=route, status="404") == 1
    assert value(samples, total, method="GET", route="<unmatched>", status="404") == 1
    count = "stratops_api_request_duration_seconds_count"
    assert value(samples, count, method="GET", route=route, status="200") == 2
    routes = {dict(labels).get("route") for _, labels in samples}
    assert not any(r and ("v3_5b" in r or "nope" in r) for r in routes), routes

    again = api.scrape()  # the first scrape itself was a request
    assert value(again, total, method="GET", route="/metrics", status="200") == 1


def test_runner_series_come_from_the_ledger(api: Api, db_engine: Engine) -> None:
    seed(db_engine)
    samples = api.scrape()

    assert value(samples, "stratops_api_ledger_up") == 1
    assert value(samples, "stratops_strategy_equity_dollars", strategy_id="v3_5b") == 10_250.5
    runs = "stratops_strategy_runs_total"
    assert value(samples, runs, strategy_id="v3_5b", result="traded") == 1
    assert value(samples, runs, strategy_id="v3_5b", result="no_change") == 1
    assert value(samples, runs, strategy_id="v3_5d", result="failed") == 1
    failures = "stratops_strategy_run_failures_total"
    assert value(samples, failures, strategy_id="v3_5d", reason="stale_data") == 1
    hist = "stratops_strategy_run_duration_seconds"
    assert value(samples, f"{hist}_bucket", strategy_id="v3_5b", le="5.0") == 1
    assert value(samples, f"{hist}_bucket", strategy_id="v3_5b", le="30.0") == 2
    assert value(samples, f"{hist}_bucket", strategy_id="v3_5b", le="+Inf") == 2
    assert value(samples, f"{hist}_sum", strategy_id="v3_5b") == 15.0
    last = "stratops_strategy_last_run_duration_seconds"
    assert value(samples, last, strategy_id="v3_5b") == 12.0
    assert value(samples, "stratops_strategy_primary", strategy_id="v3_5b") == 1
    assert value(samples, "stratops_strategy_primary", strategy_id="v3_5d") == 0
    missed = "stratops_strategy_missed_sessions"
    assert value(samples, missed, strategy_id="v3_5b") == len(THANKSGIVING_WEEK + AFTER_IT)
    assert value(samples, missed, strategy_id="v3_5d") == 0  # suspended: nothing is due


def test_runner_series_move_when_runs_and_failures_are_written(api: Api, db_engine: Engine) -> None:
    seed(db_engine)
    before = api.scrape()
    add_run(db_engine, "v3_5b", dt.date(2025, 11, 24), equity=10_400.0, seconds=4.0)
    add_failure(db_engine, "v3_5b", dt.date(2025, 11, 25), "bad_data")
    after = api.scrape()

    runs = "stratops_strategy_runs_total"
    assert value(before, runs, strategy_id="v3_5b", result="traded") == 1
    assert value(after, runs, strategy_id="v3_5b", result="traded") == 2
    assert value(after, runs, strategy_id="v3_5b", result="failed") == 1
    failures = "stratops_strategy_run_failures_total"
    assert value(after, failures, strategy_id="v3_5b", reason="bad_data") == 1
    assert value(after, "stratops_strategy_equity_dollars", strategy_id="v3_5b") == 10_400.0
    missed = "stratops_strategy_missed_sessions"
    assert value(before, missed, strategy_id="v3_5b") == 6
    assert value(after, missed, strategy_id="v3_5b") == 5


def test_labels_stay_bounded(api: Api, db_engine: Engine) -> None:
    """No dates, run ids or trade ids anywhere in the label values."""
    seed(db_engine)
    api.get("/api/trades?strategy_id=v3_5b&limit=5&offset=0")
    label_values = {v for _, labels in api.scrape() for _, v in labels}
    assert not any(v.startswith("2025-") or "v3_5b-2025" in v for v in label_values)


def test_status_lists_the_missed_sessions_by_the_operator_rule(api: Api, db_engine: Engine) -> None:
    """Thanksgiving (27 Nov) is not missed; Black Friday (early close) is."""
    seed(db_engine)
    status = api.get("/api/status/strategies").json()["strategies"]
    assert status["v3_5b"]["missed"] == THANKSGIVING_WEEK + AFTER_IT
    assert status["v3_5d"]["missed"] == []


def test_grace_period_is_a_setting(migrated_db_url: str, db_engine: Engine) -> None:
    """A day of grace: Tuesday's 09:45 session is not missed yet at 18:00."""
    seed(db_engine)
    settings = ApiSettings(
        db_url=migrated_db_url,  # type: ignore[arg-type]
        allow_writable_user=True,
        missed_run_grace_minutes=24 * 60,
    )
    app = create_app(settings, clock=lambda: NOW)
    try:
        status = Api(app).get("/api/status/strategies").json()["strategies"]
        gauge = value(Api(app).scrape(), "stratops_strategy_missed_sessions", strategy_id="v3_5b")
    finally:
        app.state.context.engine.dispose()
    assert status["v3_5b"]["missed"] == THANKSGIVING_WEEK + AFTER_IT[:1]
    assert gauge == 5
