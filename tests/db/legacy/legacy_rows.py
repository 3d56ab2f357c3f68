"""The rows the legacy engine would have written, and what adoption must make of them.

Several paper snapshots a day (scheduler, close refresh, an evening refresh
that is already the next UTC day), NULL cash on some, `online_live`
snapshots and trades beside the paper ones at the same instants, and a row or
two in every table that is not the ledger. `LegacyRows` also holds the
expected stratops ledger, computed by hand from the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
PAPER, LIVE = "offline_mock", "online_live"
# Trading days of the legacy history; the runner continues on 2025-12-30.
DAYS = [
    dt.date(2025, 12, 22),
    dt.date(2025, 12, 23),
    dt.date(2025, 12, 24),
    dt.date(2025, 12, 26),
    dt.date(2025, 12, 29),
]
FINAL_POSITIONS = '{"TQQQ": 38, "QQQ": 13}'  # as the real state.json of v3_5b holds
Row = dict[str, Any]


def ny(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY).astimezone(dt.UTC)


@dataclass
class LegacyRows:
    """The rows of one legacy database, and the stratops ledger they must become."""

    point: str
    tables: dict[str, list[Row]] = field(default_factory=dict)
    expected_days: dict[str, dict[dt.date, tuple[float, float]]] = field(default_factory=dict)
    expected_trades: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, **row: Any) -> None:
        rows = self.tables.setdefault(table, [])
        rows.append(
            {"id": len(rows) + 1, **row} if "id" not in row and table != "eod_job_status" else row
        )


def realistic_rows(point: str) -> LegacyRows:
    rows = LegacyRows(point)
    multi = point == "head"
    _v35b_history(rows, multi)
    _live_rows(rows, multi)
    if multi:
        _v35d_history(rows)
    _other_tables(rows, multi)
    return rows


def _sid(multi: bool, value: str | None) -> dict[str, Any]:
    return {"strategy_id": value} if multi else {}


def _snapshot(
    rows: LegacyRows,
    multi: bool,
    sid: str | None,
    mode: str,
    at: dt.datetime,
    equity: float,
    cash: float | None,
    held: float | None,
    source: str,
    positions: str,
) -> None:
    rows.add(
        "performance_snapshots",
        timestamp=at,
        total_equity=equity,
        cash=cash,
        positions_value=held,
        daily_return=0.001,
        cumulative_return=round(equity / 10000 - 1, 6),
        drawdown=-0.002,
        strategy_cell=3,
        trend_state="Sideways",
        vol_state="Low",
        snapshot_source=source,
        t_norm=0.12,
        z_score=-0.4,
        sma_fast=610.5,
        sma_slow=598.25,
        positions_json=positions,
        baseline_value=10050.0,
        baseline_return=0.005,
        mode=mode,
        created_at=at,
        **_sid(multi, sid),
    )


def _trade(
    rows: LegacyRows,
    multi: bool,
    sid: str | None,
    mode: str,
    at: dt.datetime,
    symbol: str,
    action: str,
    quantity: int,
    price: float,
) -> None:
    rows.add(
        "live_trades",
        symbol=symbol,
        timestamp=at,
        action=action,
        quantity=quantity,
        target_price=price,
        fill_price=round(price * 1.0005, 6),
        fill_value=round(quantity * price * 1.0005, 6),
        slippage_pct=0.05,
        schwab_order_id=None if mode == PAPER else "SCHWAB-1",
        strategy_cell=3,
        trend_state="Sideways",
        vol_state="Low",
        t_norm=0.12,
        z_score=-0.4,
        reason="Rebalance",
        mode=mode,
        created_at=at,
        **_sid(multi, sid),
        **({"execution_id": "ab12cd34"} if multi else {}),
    )


def _v35b_history(rows: LegacyRows, multi: bool) -> None:
    """Five days of v3_5b; at `head` the first two days' rows predate strategy_id (NULL)."""
    days: dict[dt.date, tuple[float, float]] = {}
    cash = 10000.0
    for i, day in enumerate(DAYS):
        sid = None if i < 2 else "v3_5b"
        equity = 10000.0 + 40.0 * i
        positions = '{"TQQQ": 36, "QQQ": 13}' if i < 3 else FINAL_POSITIONS
        if i == 0:  # the first trades, just after the morning snapshot
            _snapshot(
                rows, multi, sid, PAPER, ny(day, 9, 45), 10000.0, 10000.0, 0.0, "scheduler", "{}"
            )
            _trade(rows, multi, sid, PAPER, ny(day, 9, 46), "TQQQ", "BUY", 36, 50.0)
            _trade(rows, multi, sid, PAPER, ny(day, 9, 46), "QQQ", "BUY", 13, 600.0)
            cash -= round(36 * 50.0 * 1.0005, 6) + round(13 * 600.0 * 1.0005, 6)
        if i == 3:  # two more TQQQ: the close refresh has neither cash nor positions_value
            _snapshot(
                rows,
                multi,
                sid,
                PAPER,
                ny(day, 9, 45),
                equity - 3,
                cash,
                equity - 3 - cash,
                "scheduler",
                positions,
            )
            _trade(rows, multi, sid, PAPER, ny(day, 9, 50), "TQQQ", "BUY", 2, 55.0)
            cash -= round(2 * 55.0 * 1.0005, 6)
            _snapshot(
                rows, multi, sid, PAPER, ny(day, 16, 15), equity, None, None, "refresh", positions
            )
            days[day] = (equity, round(cash, 6))
            continue
        if i != 0:
            _snapshot(
                rows,
                multi,
                sid,
                PAPER,
                ny(day, 9, 45),
                equity - 5,
                cash,
                equity - 5 - cash,
                "scheduler",
                positions,
            )
        if i == len(DAYS) - 1:
            equity = 10162.5375  # the real state.json's account_equity
        close_cash = None if i == 1 else cash  # NULL cash, but positions_value is known
        _snapshot(
            rows,
            multi,
            sid,
            PAPER,
            ny(day, 16, 15),
            equity - 1,
            close_cash,
            equity - 1 - cash,
            "refresh",
            positions,
        )
        if i in (1, 2, 4):  # the evening refresh: 19:40 New York is the next day in UTC
            _snapshot(
                rows,
                multi,
                sid,
                PAPER,
                ny(day, 19, 40),
                equity,
                cash,
                equity - cash,
                "manual",
                positions,
            )
            days[day] = (equity, round(cash, 6))
        else:
            days[day] = (equity - 1, round(cash, 6))
    rows.expected_days["v3_5b"] = days
    rows.expected_trades["v3_5b"] = 3


def _live_rows(rows: LegacyRows, multi: bool) -> None:
    """Real orders of the same engine: at the same instants, never part of the paper ledger."""
    for day in DAYS:
        for hour, minute in ((9, 45), (16, 15)):
            _snapshot(
                rows,
                multi,
                "v3_5b",
                LIVE,
                ny(day, hour, minute),
                52000.0,
                1000.0,
                51000.0,
                "scheduler",
                '{"QQQ": 85}',
            )
    _trade(rows, multi, "v3_5b", LIVE, ny(DAYS[0], 9, 46), "QQQ", "BUY", 85, 600.0)
    rows.add(
        "positions",
        symbol="QQQ",
        quantity=85,
        avg_cost=600.0,
        market_value=51000.0,
        unrealized_pnl=10.0,
        mode=LIVE,
        last_updated=ny(DAYS[-1], 16, 15),
        **_sid(multi, "v3_5b"),
    )
    for symbol, quantity in (("TQQQ", 38), ("QQQ", 13)):
        rows.add(
            "positions",
            symbol=symbol,
            quantity=quantity,
            avg_cost=100.0,
            market_value=quantity * 101.0,
            unrealized_pnl=quantity * 1.0,
            mode=PAPER,
            last_updated=ny(DAYS[-1], 16, 15),
            **_sid(multi, None if symbol == "QQQ" else "v3_5b"),
        )


def _v35d_history(rows: LegacyRows) -> None:
    days = {}
    for day in DAYS[2:]:
        _snapshot(
            rows, True, "v3_5d", PAPER, ny(day, 16, 15), 9990.0, 9990.0, 0.0, "scheduler", "{}"
        )
        days[day] = (9990.0, 9990.0)
    _trade(rows, True, "v3_5d", PAPER, ny(DAYS[2], 9, 46), "TLT", "SELL", 1, 90.0)
    rows.expected_days["v3_5d"] = days
    rows.expected_trades["v3_5d"] = 1


def _other_tables(rows: LegacyRows, multi: bool) -> None:
    at = ny(DAYS[-1], 17, 0)
    rows.add(
        "market_data",
        symbol="QQQ",
        timeframe="1D",
        timestamp=at,
        open=619.5,
        high=622.1,
        low=618.0,
        close=620.87,
        volume=32458300,
        data_source="schwab",
        created_at=at,
        is_valid=True,
    )
    rows.add(
        "data_metadata",
        symbol="QQQ",
        timeframe="1D",
        last_bar_timestamp=at,
        total_bars=4000,
        last_updated=at,
    )
    rows.add(
        "data_audit_log",
        symbol="QQQ",
        timeframe="1D",
        operation="sync",
        status="success",
        message="1 bar",
        bars_affected=1,
        timestamp=at,
    )
    rows.add(
        "system_state", key="scheduler_enabled", value="true", value_type="bool", updated_at=at
    )
    rows.add(
        "config_overrides",
        parameter_name="leverage_scalar",
        original_value="1.0",
        override_value="1.25",
        value_type="float",
        is_active=True,
        reason="test",
        created_at=at,
        deactivated_at=None,
        **_sid(multi, "v3_5b"),
    )
    rows.add(
        "config_history",
        parameter_name="leverage_scalar",
        old_value="1.0",
        new_value="1.25",
        change_type="override",
        changed_by="admin",
        reason="test",
        timestamp=at,
    )
    rows.add(
        "users",
        username="admin",
        password_hash="$2b$12$abcdefghijklmnopqrstuv",
        email="a@example.com",
        is_active=True,
        role="admin",
        failed_login_count=0,
        locked_until=None,
        last_login=at,
        created_at=at,
        totp_secret=None,
        totp_enabled=False,
        backup_codes=None,
    )
    rows.add(
        "passkeys",
        user_id=1,
        credential_id=b"\x01\x02cred",
        public_key=b"\x00key",
        sign_count=3,
        device_name="laptop",
        aaguid=None,
        created_at=at,
        last_used_at=at,
    )
    rows.add(
        "blacklisted_tokens",
        jti="0f8fad5b-d9cb-469f-a165-70867728950e",
        token_type="refresh",
        blacklisted_at=at,
        expires_at=at + dt.timedelta(days=7),
        user_id=1,
    )
    rows.add(
        "user_invitations",
        email="b@example.com",
        token="t" * 64,
        role="viewer",
        created_by=1,
        created_at=at,
        expires_at=at + dt.timedelta(days=2),
        accepted_at=None,
        accepted_by=None,
    )
    if multi:
        trading_date = dt.datetime(2025, 12, 29)  # naive, as the legacy engine keeps it
        for entity_type, entity_id in (("strategy", "v3_5b"), ("baseline", "QQQ")):
            rows.add(
                "daily_performance",
                trading_date=trading_date,
                entity_type=entity_type,
                entity_id=entity_id,
                mode=PAPER,
                total_equity=10161.5375,
                daily_return=0.001,
                cumulative_return=0.016,
                finalized_at=at,
            )
        rows.add(
            "eod_job_status",
            job_date=trading_date,
            started_at=at,
            completed_at=at,
            status="completed",
            strategies_total=2,
            strategies_processed=2,
            retry_count=0,
        )
