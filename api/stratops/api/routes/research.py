"""`/api/backtests/configurations`: the backtest of each configuration a strategy has had.

The operator backtests every configuration hash once; this lists them newest
first and marks the one matching the strategy's current configuration
(`strategy_configs.spec`, mirrored by the operator) as current, the others as
stale, so paper results are never read beside a backtest of old parameters.
Without a strategy id, every configured strategy's list at once (two queries,
whatever the fleet's size: what the dashboard's overview reads).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy import select

from stratops.api.context import DbSession, StrategyIdPath, require_known
from stratops.api.schemas import ErrorMessage
from stratops.api.sweep_schemas import ConfigBacktestFleet, ConfigBacktestList, ConfigBacktestRow
from stratops.core.db import ConfigBacktest, StrategyConfig
from stratops.core.resource import TradingStrategySpec
from stratops.core.spec_validation import check_parsed
from stratops.core.strategies.identity import config_hash

router = APIRouter(prefix="/api/backtests", tags=["backtest"])


def current_hash(spec: dict[str, Any] | None) -> str | None:
    """The config hash of a mirrored spec; None when the class refuses it. Computed from
    the parameter model, as the operator does, so the engine (pandas) is never loaded."""
    if not spec:
        return None
    return _hash_of_text(json.dumps(spec, sort_keys=True, allow_nan=True))


@functools.lru_cache(maxsize=4096)
def _hash_of_text(text: str) -> str | None:
    """Validating a spec's parameters costs about a millisecond: a fleet's list would pay
    it per strategy and request; specs change rarely, so each is hashed once."""
    try:
        parsed = TradingStrategySpec.model_validate(json.loads(text))
    except ValidationError:
        return None
    checked = check_parsed(parsed)
    if checked.params is None or not checked.ok:
        return None
    return config_hash(parsed.strategy_class, checked.params, parsed)


NEWEST_FIRST = (ConfigBacktest.created_at.desc(), ConfigBacktest.id.desc())


def listing(
    strategy_id: str, spec: dict[str, Any] | None, rows: Sequence[ConfigBacktest]
) -> ConfigBacktestList:
    """One strategy's backtests (newest first), each stale unless of its current hash."""
    current = current_hash(spec)
    return ConfigBacktestList(
        strategy_id=strategy_id,
        current_config_hash=current,
        backtests=[
            ConfigBacktestRow(
                config_hash=r.config_hash,
                data_snapshot_id=r.data_snapshot_id,
                start=r.start_date,
                end=r.end_date,
                metrics=r.metrics,
                job=r.job_name,
                created_at=r.created_at,
                stale=r.config_hash != current,
            )
            for r in rows
        ],
    )


@router.get(
    "/configurations",
    response_model=ConfigBacktestFleet,
    summary="Every configured strategy's configuration backtests, the current one marked",
)
def fleet_configuration_backtests(session: DbSession) -> ConfigBacktestFleet:
    specs = session.execute(
        select(StrategyConfig.strategy_id, StrategyConfig.spec).order_by(StrategyConfig.strategy_id)
    ).all()
    rows: dict[str, list[ConfigBacktest]] = defaultdict(list)
    for row in session.scalars(select(ConfigBacktest).order_by(*NEWEST_FIRST)):
        rows[row.strategy_id].append(row)
    return ConfigBacktestFleet(
        strategies={sid: listing(sid, spec, rows[sid]) for sid, spec in specs}
    )


@router.get(
    "/configurations/{strategy_id}",
    response_model=ConfigBacktestList,
    responses={404: {"model": ErrorMessage, "description": "Unknown strategy."}},
    summary="Backtests of a strategy's configurations, newest first, the current one marked",
)
def configuration_backtests(session: DbSession, strategy_id: StrategyIdPath) -> ConfigBacktestList:
    require_known(session, strategy_id)
    spec = session.scalar(select(StrategyConfig.spec).filter_by(strategy_id=strategy_id))
    rows = session.scalars(
        select(ConfigBacktest).filter_by(strategy_id=strategy_id).order_by(*NEWEST_FIRST)
    ).all()
    return listing(strategy_id, spec, rows)
