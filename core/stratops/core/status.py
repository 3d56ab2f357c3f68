"""The TradingStrategy status: pydantic models the CRD's status schema is generated from,
and the one condition builder both the operator and the runner write conditions with.

Each writer applies only its own fields under its own field manager
(`contract.*_MANAGER`); the CRD keys `conditions` by `type`, so no writer
erases another's entries. `lastTransitionTime` moves only when a condition's
status does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stratops.core.contract import LAST_RUN_SUCCEEDED
from stratops.core.resource import API_VERSION, KIND

JsonDict = dict[str, Any]
MESSAGE_LIMIT = 1024
_CONDITIONS = "Ready, PrimaryConflict, ScheduleNotOffset, LastRunSucceeded, RunsOnSchedule"


class Condition(BaseModel):
    """One standard Kubernetes condition."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    type: str = Field(description=_CONDITIONS)
    status: Literal["True", "False", "Unknown"]
    reason: str | None = Field(None, description="CamelCase reason for the status.")
    message: str | None = Field(None, description="Human-readable detail.")
    last_transition_time: str | None = Field(
        None, alias="lastTransitionTime", json_schema_extra={"format": "date-time"}
    )
    observed_generation: int | None = Field(None, alias="observedGeneration")


class LastRun(BaseModel):
    """`status.lastRun`: what the most recent run did."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    trade_date: dt.date | None = Field(None, alias="tradeDate")
    result: str | None = None
    equity: float | None = None
    regime: str | None = None
    message: str | None = None


class TradingStrategyStatus(BaseModel):
    """Observed state, written by the operator and the runner."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    observed_generation: int | None = Field(
        None,
        alias="observedGeneration",
        description="The spec generation the operator last reconciled.",
    )
    phase: Literal["Pending", "Active", "Suspended", "Error"] | None = Field(
        None, description="Pending, then Active or Suspended; Error on a bad spec."
    )
    effective_primary: bool | None = Field(
        None,
        alias="effectivePrimary",
        description="True for the one resource that currently holds the primary role.",
    )
    equity: float | None = Field(None, description="Paper equity after the last run.")
    last_run: LastRun | None = Field(
        None, alias="lastRun", description="Outcome of the most recent runner execution."
    )
    conditions: list[Condition] | None = Field(
        None,
        description=f"Standard conditions: {_CONDITIONS}.",
        json_schema_extra={
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["type"],
        },
    )


def now_rfc3339(now: dt.datetime | None = None) -> str:
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def short(text: str | None) -> str:
    """One line of at most MESSAGE_LIMIT characters: a condition message is read in a terminal."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= MESSAGE_LIMIT else flat[: MESSAGE_LIMIT - 3] + "..."


def condition(
    type_: str,
    status: bool,
    reason: str,
    message: str,
    generation: int | None,
    existing: Sequence[JsonDict],
    now: str,
) -> JsonDict:
    """One condition; keeps the previous lastTransitionTime when the status is unchanged."""
    value = "True" if status else "False"
    previous = next((c for c in existing if c.get("type") == type_), None)
    since = previous.get("lastTransitionTime") if previous else None
    if previous is None or previous.get("status") != value or not since:
        since = now
    found = Condition(
        type=type_,
        status=value,
        reason=reason,
        message=message,
        last_transition_time=since,
        observed_generation=generation,
    )
    return found.model_dump(by_alias=True, exclude_none=True)


def last_run_condition(
    succeeded: bool,
    reason: str,
    message: str,
    existing: Sequence[JsonDict],
    generation: int | None,
    now: str,
) -> JsonDict:
    """LastRunSucceeded, as the runner writes it after a run and the operator after a failed Job."""
    return condition(
        LAST_RUN_SUCCEEDED, succeeded, reason, short(message), generation, existing, now
    )


def status_body(name: str, namespace: str, status: JsonDict) -> JsonDict:
    """A server-side apply body for the status subresource of `<namespace>/<name>`."""
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": name, "namespace": namespace},
        "status": status,
    }
