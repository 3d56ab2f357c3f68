"""The steps of `stratops demo`, each reusing what a previous demo left behind.

A workspace is one folder under the demo home per data source (the bundled
synthetic data, or one `--data-dir`), holding the SQLite ledger, the
synthetic cache and the state files; two sources never share a ledger, whose
days would not line up. The manifests come from `manifests/strategies/` in the
working directory, else from the copies shipped inside the package.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from sqlalchemy import Engine, select

from stratops.core.backtest.engine import run_backtest
from stratops.core.backtest.store import store_backtest
from stratops.core.db import BacktestRun, UnitOfWork, create_engine_for
from stratops.core.errors import UserError
from stratops.core.marketdata.cache import load_market_data, read_manifest, write_cache
from stratops.core.marketdata.calendar import last_completed_session
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.frames import MarketData
from stratops.core.marketdata.manifest import MANIFEST_NAME
from stratops.core.marketdata.synthetic import SyntheticProvider
from stratops.core.resource import TradingStrategy
from stratops.core.strategies.registry import build_strategy

LOCAL_MANIFESTS = Path("manifests") / "strategies"
PACKAGED_MANIFESTS = "demo_manifests"


@dataclass(frozen=True)
class Workspace:
    """Where one demo keeps its ledger, market data and states."""

    root: Path
    data_dir: Path
    synthetic: bool

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'stratops.db'}"

    @property
    def state_dir(self) -> Path:
        return self.root / "state"


def workspace(home: Path, data_dir: Path | None) -> Workspace:
    """`<home>/synthetic`, or `<home>/data-<hash of the data folder's path>`."""
    if data_dir is None:
        root = home / "synthetic"
        return Workspace(root, root / "market-data", synthetic=True)
    where = str(data_dir.resolve())
    root = home / f"data-{hashlib.sha256(where.encode()).hexdigest()[:10]}"
    return Workspace(root, data_dir, synthetic=False)


def manifests_dir(given: Path | None) -> Path:
    """The folder given, else ./manifests/strategies, else the copies in the package."""
    if given is not None:
        return given
    if LOCAL_MANIFESTS.is_dir():
        return LOCAL_MANIFESTS
    packaged = files("stratops.runner") / PACKAGED_MANIFESTS
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    raise UserError(
        "no manifests: run from a checkout (manifests/strategies) or pass --manifests DIR"
    )


def ensure_synthetic_cache(space: Workspace, symbols: list[str]) -> tuple[MarketData, bool]:
    """The synthetic cache through the last completed session: reused, or (re)written."""
    end = last_completed_session(timing="close")
    try:
        cached = (
            read_manifest(space.data_dir) if (space.data_dir / MANIFEST_NAME).exists() else None
        )
    except DataError:
        cached = None
    if cached is not None and set(symbols) <= set(cached.files):
        data = load_market_data(space.data_dir, symbols)
        if min(frame.index[-1].date() for frame in data.bars.values()) >= end:
            return data, False
    frames = SyntheticProvider(end=end).fetch(symbols, None, end)
    write_cache(space.data_dir, frames, provider="synthetic", synthetic=True)
    return load_market_data(space.data_dir, symbols), True


@dataclass(frozen=True)
class BacktestLine:
    """One stored backtest, as the demo reports it."""

    strategy_id: str
    start: dt.date
    end: dt.date
    created: bool
    cagr_pct: float | None
    sharpe: float | None


def backtest_all(
    manifests: list[TradingStrategy], data: MarketData, db_url: str
) -> list[BacktestLine]:
    """Backtest each manifest over all its data (after warm-up), stored once per identity."""
    engine = create_engine_for(db_url)
    lines = []
    try:
        for manifest in manifests:
            lines.append(_backtest_one(manifest, data, engine))
    finally:
        engine.dispose()
    return lines


def _backtest_one(manifest: TradingStrategy, data: MarketData, engine: Engine) -> BacktestLine:
    spec = manifest.spec
    strategy = build_strategy(spec)
    sessions = data.bars[strategy.signal_symbol].index
    start = sessions[min(strategy.warmup_bars, len(sessions) - 1)].date()
    end = sessions[-1].date()
    found = _stored(engine, spec.strategy_id, strategy.params_hash(spec), data.snapshot_id, start)
    if found is not None:
        return BacktestLine(spec.strategy_id, start, end, False, *found)
    result = run_backtest(strategy, spec, data, start, end)
    stored = store_backtest(result, engine)
    doc = result.to_json()
    return BacktestLine(
        spec.strategy_id, start, end, stored.created, doc["cagr_pct"], doc["sharpe"]
    )


def _stored(
    engine: Engine, strategy_id: str, params_hash: str, snapshot_id: str, start: dt.date
) -> tuple[float | None, float | None] | None:
    """Metrics of an already stored backtest with this identity, so a rerun skips the work."""
    with UnitOfWork(engine) as session:
        metrics = session.scalars(
            select(BacktestRun.metrics).where(
                BacktestRun.strategy_id == strategy_id,
                BacktestRun.params_hash == params_hash,
                BacktestRun.data_snapshot_id == snapshot_id,
                BacktestRun.start_date == start,
            )
        ).first()
    if metrics is None:
        return None
    return metrics.get("cagr_pct"), metrics.get("sharpe")
