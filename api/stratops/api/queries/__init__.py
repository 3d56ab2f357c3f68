"""Every SELECT the API runs, and nothing else: the API's whole view of the database.

Functions take a Session and return plain rows (named tuples), never ORM
objects, so nothing here can be modified and flushed by accident. A strategy
is "known" when it has a configuration row or any ledger row: legacy rows
written before `strategy_configs` existed stay visible.
"""

from stratops.api.queries.columnar import backtest_columns
from stratops.api.queries.history import (
    backtest_run,
    backtest_runs,
    trade_count,
    trades,
)
from stratops.api.queries.rows import AnyRow
from stratops.api.queries.snapshots import (
    latest_snapshot,
    ledger_version,
    series_query,
    snapshot_extent,
    snapshots,
)
from stratops.api.queries.strategies import (
    configs,
    is_known,
    known_count,
    known_ids,
    latest_run,
    name_and_spec,
    overview,
    parameters,
    primary_id,
    schema_revision,
)

__all__ = [
    "AnyRow",
    "backtest_columns",
    "backtest_run",
    "backtest_runs",
    "configs",
    "is_known",
    "known_count",
    "known_ids",
    "latest_run",
    "latest_snapshot",
    "ledger_version",
    "name_and_spec",
    "overview",
    "parameters",
    "primary_id",
    "schema_revision",
    "series_query",
    "snapshot_extent",
    "snapshots",
    "trade_count",
    "trades",
]
