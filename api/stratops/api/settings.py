"""The API's one settings object, built once at start-up and passed to `create_app`.

Nothing else in the API reads the environment: the CLI builds an `ApiSettings`
from its flags (which win) and from `STRATOPS_API_*` variables, and the app
only ever sees the finished object. Building it at import time would freeze
whatever environment the importing process happened to have (tests, the demo).

On Postgres the URL must name a user that can only read: a member of the
`stratops_readonly` role that migration 0004 creates, for example::

    CREATE ROLE stratops_api LOGIN PASSWORD '...' IN ROLE stratops_readonly;
    STRATOPS_API_DB_URL=postgresql://stratops_api:...@db:5432/stratops

The app checks this at start-up and refuses a user that may write, unless
`allow_writable_user` is set (a local experiment, never a deployment).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from stratops.core.db.engine import parse_url
from stratops.core.errors import UserError


class ApiSettings(BaseSettings):
    """Everything `stratops api` needs to serve: where to read, where to listen, how to judge."""

    model_config = SettingsConfigDict(
        env_prefix="STRATOPS_API_", extra="forbid", frozen=True, populate_by_name=True
    )

    db_url: SecretStr = Field(
        validation_alias=AliasChoices("db_url", "STRATOPS_API_DB_URL", "STRATOPS_DB_URL"),
        description="sqlite:///PATH or postgresql://USER:PASSWORD@HOST/DB (a read-only user).",
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    dashboards_dir: Path | None = Field(
        None, description="Folder with legacy dashboard_<StrategyClass>.csv backtest exports."
    )
    risk_free_rate: float = Field(
        0.0, ge=-0.05, le=0.2, description="Annual risk-free rate for Sharpe and Sortino."
    )
    missed_run_grace_minutes: int = Field(
        60,
        ge=0,
        le=24 * 60,
        description="How long after its scheduled time a session may be without a run before "
        "`missed` lists it and the strategy counts as stale (the one lateness rule); use the "
        "operator's STRATOPS_OPERATOR_MISSED_RUN_GRACE_MINUTES value.",
    )
    secondary_offset_minutes: int = Field(
        5,
        ge=0,
        le=720,
        description="How long after its schedule a secondary's runner fires (the primary runs "
        "first); missed runs of a secondary are judged from that slot. Use the operator's "
        "STRATOPS_OPERATOR_SECONDARY_OFFSET_MINUTES value.",
    )
    cache_seconds: float = Field(
        30.0, ge=0, description="Longest time a cached comparison is reused (0 disables)."
    )
    allow_writable_user: bool = Field(
        False, description="Start even when the database user may write (never in deployments)."
    )

    @field_validator("db_url")
    @classmethod
    def _known_database(cls, value: SecretStr) -> SecretStr:
        try:
            parse_url(value.get_secret_value())
        except UserError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("dashboards_dir")
    @classmethod
    def _existing_folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"dashboards dir {value} is not a folder")
        return value
