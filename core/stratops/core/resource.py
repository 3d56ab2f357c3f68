"""The TradingStrategy resource as a typed model.

This model is the single source of the resource's schema: the CRD in `crds/`
is generated from it (`python -m stratops.core.crd`) and a test keeps the two
identical, so `kubectl` and `stratops validate` never disagree.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

GROUP = "trading.stratops.dev"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"
KIND = "TradingStrategy"
PLURAL = "tradingstrategies"
SHORT_NAME = "tstrat"

STRATEGY_ID_PATTERN = r"^[a-z0-9_]{1,50}$"
# Children are named `<name>-runner` / `<name>-state`; a CronJob name may hold at
# most 52 characters, so the resource name keeps 45.
RESOURCE_NAME_PATTERN = r"^[a-z0-9]([-a-z0-9]{0,43}[a-z0-9])?$"


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        validate_default=True,
        allow_inf_nan=False,
    )


class Execution(_Model):
    """How target weights become paper orders; identical in backtest and live run."""

    timing: Literal["close", "open"] = Field(
        "open",
        description=(
            "When the day's decision is made and filled. `open`: decide on closes through "
            "the previous session, fill at today's open. `close`: decide on today's close and "
            "fill at it."
        ),
    )
    commission_per_share: float = Field(
        0.01, alias="commissionPerShare", ge=0, description="Commission in dollars per share."
    )
    slippage_pct: float = Field(
        0.1,
        alias="slippagePct",
        ge=0,
        lt=100,
        description="Slippage in percent of the reference price, against the trader on every fill.",
    )
    rebalance_policy: Literal["target_change", "drift"] = Field(
        "target_change",
        alias="rebalancePolicy",
        description=(
            "`target_change`: rebalance when the L1 distance of new targets from the remembered "
            "targets exceeds rebalanceThreshold. `drift`: resize any leg that is off its target "
            "by at least rebalanceThresholdPct percent of equity."
        ),
    )
    rebalance_threshold: float = Field(
        0.025,
        alias="rebalanceThreshold",
        gt=0,
        description="L1 distance of target weights that triggers a rebalance (target_change).",
    )
    rebalance_threshold_pct: float = Field(
        5.0,
        alias="rebalanceThresholdPct",
        gt=0,
        le=100,
        description="Per-leg drift, in percent of equity, that triggers a resize (drift).",
    )


class TradingStrategySpec(_Model):
    """What the trader declares; everything else is derived by the operator."""

    strategy_id: str = Field(
        alias="strategyId",
        description=(
            "Key of every database row and API path, e.g. v3_5b. Lowercase letters, digits "
            "and underscores, at most 50 characters. Immutable."
        ),
        json_schema_extra={"pattern": STRATEGY_ID_PATTERN, "immutable": True},
    )
    display_name: str | None = Field(
        None, alias="displayName", max_length=100, description="Human-readable name."
    )
    strategy_class: str = Field(
        alias="strategyClass",
        min_length=1,
        max_length=100,
        description=(
            "Name of the strategy in the plug-in registry (entry point group "
            "stratops.strategies), e.g. Hierarchical_Adaptive_v3_5b."
        ),
    )
    primary: bool = Field(
        False,
        description=(
            "Claim the primary role. The effective primary is the only resource claiming it; "
            "during transient conflicts the previous primary keeps the role."
        ),
    )
    active: bool = Field(True, description="False suspends the runner; state and history are kept.")
    mode: Literal["paper"] = Field("paper", description="Trading mode. Only paper trading exists.")
    schedule: str = Field(
        "45 9 * * 1-5",
        min_length=1,
        description="Cron schedule of the runner, in timeZone.",
    )
    time_zone: str = Field(
        "America/New_York",
        alias="timeZone",
        min_length=1,
        description="IANA time zone of the schedule.",
    )
    initial_capital: float = Field(
        10000.0, alias="initialCapital", gt=0, description="Starting paper capital in dollars."
    )
    signal_start: dt.date | None = Field(
        None,
        alias="signalStart",
        description=(
            "First bar the indicators replay from (YYYY-MM-DD). Default: the first bar in the "
            "data. Fixing it makes every live day equal that day in a backtest."
        ),
    )
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "Strategy parameters with the strategy's own snake_case names; validated by the "
            "strategy class."
        ),
    )
    execution: Execution = Field(
        default_factory=Execution,
        description="Rebalance rule and cost model.",
    )
    missed_run_policy: Literal["alert", "backfill"] = Field(
        "alert",
        alias="missedRunPolicy",
        description=(
            "What the operator does about a scheduled NYSE session that has no completed run a "
            "grace period after its scheduled time. `alert`: condition RunsOnSchedule=False, a "
            "Warning event and, for the primary, the alert webhook. `backfill`: the same, and it "
            "runs the missed sessions in order, one Job per session, each exactly once."
        ),
    )
    state_retention: Literal["Retain", "Delete"] = Field(
        "Retain",
        alias="stateRetention",
        description=(
            "What happens to the state ConfigMap when the resource is deleted. Database history "
            "is never deleted."
        ),
    )

    @field_validator("strategy_id")
    @classmethod
    def _strategy_id_format(cls, value: str) -> str:
        if not re.fullmatch(STRATEGY_ID_PATTERN, value):
            raise ValueError(
                f"must be 1-50 lowercase letters, digits or underscores (got {value!r})"
            )
        return value

    @field_validator("parameters")
    @classmethod
    def _finite_parameters(cls, value: dict[str, Any]) -> dict[str, Any]:
        """JSON (the API server, Postgres) has no inf/nan: such a spec could not even be stored."""
        bad = non_finite_paths(value)
        if bad:
            raise ValueError(f"{', '.join(bad)}: must be a finite number (not inf or nan)")
        return value

    @property
    def label(self) -> str:
        return self.display_name or self.strategy_id


def non_finite_paths(value: Any, path: str = "") -> list[str]:
    """Dotted paths of every inf/nan float inside nested mappings and lists."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [path]
    if isinstance(value, dict):
        items: list[tuple[str, Any]] = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list | tuple):
        items = [(str(i), v) for i, v in enumerate(value)]
    else:
        return []
    return [p for key, item in items for p in non_finite_paths(item, f"{path}.{key}".lstrip("."))]


class ObjectMeta(BaseModel):
    """The part of Kubernetes metadata stratops reads; the rest passes through."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    namespace: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    generation: int | None = None

    @field_validator("name")
    @classmethod
    def _name_format(cls, value: str) -> str:
        if not re.fullmatch(RESOURCE_NAME_PATTERN, value):
            raise ValueError(
                "must be a DNS label of at most 45 characters (lowercase letters, digits, '-')"
            )
        return value


SpecT = TypeVar("SpecT", bound=BaseModel)


class Manifest(BaseModel, Generic[SpecT]):
    """A whole manifest of one of stratops' kinds: apiVersion, kind, metadata and spec
    (status is the operator's). Each kind narrows `kind` to its own name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_version: Literal["trading.stratops.dev/v1alpha1"] = Field(alias="apiVersion")
    kind: str
    metadata: ObjectMeta
    spec: SpecT
    status: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.metadata.name


class TradingStrategy(Manifest[TradingStrategySpec]):
    """A whole TradingStrategy manifest."""

    kind: Literal["TradingStrategy"]
