"""The operator's settings: one typed object, built once at start-up.

Nothing else in the operator reads the environment. Values come from
environment variables (`STRATOPS_OPERATOR_*`, plus `STRATOPS_DB_URL` shared
with the other roles) or from the command line, which overrides them.
The database URL has no default on purpose: an operator that cannot record
primary changes must not start.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from stratops.core.errors import UserError


class OperatorSettings(BaseSettings):
    """Everything the operator needs to build children and talk to its peers."""

    model_config = SettingsConfigDict(
        env_prefix="STRATOPS_OPERATOR_", frozen=True, extra="ignore", populate_by_name=True
    )

    image: str = Field(min_length=1, description="Image of runner and market-data pods.")
    image_pull_policy: Literal["Always", "IfNotPresent", "Never"] = "IfNotPresent"
    namespace: str | None = Field(None, description="Watch only this namespace (default: all).")
    database_url: SecretStr = Field(
        validation_alias=AliasChoices("STRATOPS_DB_URL", "database_url"),
        description="Database the operator mirrors strategy configs and primary changes into.",
    )

    db_secret_name: str = Field("stratops-db", description="Secret runners read the DB URL from.")
    db_secret_key: str = "url"
    webhook_secret_name: str | None = Field(
        "stratops-alert-webhook", description="Secret holding the alert webhook URL (optional)."
    )
    webhook_secret_key: str = "url"
    webhook_timeout_seconds: float = Field(5.0, gt=0)

    primary_priority_class: str = "stratops-primary"
    secondary_priority_class: str = "stratops-secondary"
    secondary_offset_minutes: int = Field(5, ge=0, le=720)
    market_data_lead_minutes: int = Field(10, ge=1, le=720)

    starting_deadline_seconds: int = Field(600, ge=10, le=86400)
    active_deadline_seconds: int = Field(1800, ge=60, le=86400)
    backoff_limit: int = Field(1, ge=0, le=10)
    successful_jobs_history: int = Field(3, ge=0, le=100)
    failed_jobs_history: int = Field(3, ge=0, le=100)

    runner_cpu_request: str = "100m"
    runner_memory_request: str = "256Mi"
    runner_cpu_limit: str = "1"
    runner_memory_limit: str = "1Gi"

    market_data_provider: Literal["yahoo", "synthetic", "dir"] = "yahoo"
    market_data_source: str | None = Field(None, description="Source directory of `dir`.")
    market_data_pvc_size: str = "1Gi"
    market_data_storage_class: str | None = None
    market_data_access_mode: Literal["ReadWriteOnce", "ReadWriteMany"] = "ReadWriteOnce"

    liveness_port: int | None = Field(None, ge=1, le=65535)
    metrics_port: int = Field(
        8081, ge=0, le=65535, description="Port of the Prometheus /metrics endpoint (0: off)."
    )
    missed_run_grace_minutes: int = Field(
        60,
        ge=0,
        le=24 * 60,
        description="How long after its scheduled time a session may be without a run "
        "before it counts as missed (RunsOnSchedule=False).",
    )
    missed_run_check_seconds: float = Field(
        60.0, ge=0.5, le=3600, description="How often each resource's schedule is checked."
    )

    @property
    def db_url(self) -> str:
        return self.database_url.get_secret_value()


def load_settings(**overrides: object) -> OperatorSettings:
    """Settings from the environment plus command-line overrides; a clear error if incomplete."""
    from pydantic import ValidationError

    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return OperatorSettings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(part) for part in err["loc"])
            problems.append(f"{_env_name(field)}: {err['msg']}")
        raise UserError("operator settings: " + "; ".join(problems)) from None


def _env_name(field: str) -> str:
    if field in ("database_url", "STRATOPS_DB_URL"):
        return "STRATOPS_DB_URL"
    return f"STRATOPS_OPERATOR_{field.upper()}"
