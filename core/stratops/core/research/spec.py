"""The StrategySweep resource as a typed model (the CRD is generated from it).

A sweep names a base TradingStrategy and the parameter sets to try on top of
its parameters, either as a grid (every combination) or as an explicit list,
over one period with an optional out-of-sample start (walk-forward: metrics of
the sets before and after that date, side by side).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from stratops.core.resource import GROUP, RESOURCE_NAME_PATTERN, VERSION, Manifest

KIND = "StrategySweep"
PLURAL = "strategysweeps"
SHORT_NAME = "tsweep"
API_VERSION = f"{GROUP}/{VERSION}"

RankMetric = Literal[
    "sharpe", "sortino", "calmar", "cagr_pct", "total_return_pct", "max_drawdown_pct"
]
RANK_METRICS: tuple[str, ...] = (
    "sharpe",
    "sortino",
    "calmar",
    "cagr_pct",
    "total_return_pct",
    "max_drawdown_pct",
)
"""Every one is better when higher (drawdowns are negative percentages)."""


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, validate_default=True
    )


class SweepPeriod(_Model):
    """The backtest window and where the out-of-sample part starts."""

    start: dt.date = Field(description="First session of the backtest (YYYY-MM-DD).")
    end: dt.date = Field(description="Last session of the backtest (YYYY-MM-DD).")
    out_of_sample_start: dt.date | None = Field(
        None,
        alias="outOfSampleStart",
        description=(
            "First session of the out-of-sample part. Each set is traded once over the whole "
            "period; metrics are reported for [start, outOfSampleStart) and "
            "[outOfSampleStart, end] separately, so a set that only fits the past shows."
        ),
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError("end: must be after start")
        oos = self.out_of_sample_start
        if oos is not None and not self.start < oos <= self.end:
            raise ValueError("outOfSampleStart: must be after start and not after end")
        return self


class StrategySweepSpec(_Model):
    """What the researcher declares; the operator derives the Job and the status."""

    base_strategy: str = Field(
        alias="baseStrategy",
        min_length=1,
        max_length=45,
        description=(
            "Name of the TradingStrategy (same namespace) whose class, parameters, execution "
            "and signalStart every set starts from."
        ),
        json_schema_extra={"pattern": RESOURCE_NAME_PATTERN},
    )
    grid: dict[str, list[Any]] | None = Field(
        None,
        description=(
            "Parameter name -> values; every combination is one set. Give grid or sets, not both."
        ),
    )
    sets: list[dict[str, Any]] | None = Field(
        None, description="Explicit parameter sets (each overrides the base parameters)."
    )
    period: SweepPeriod = Field(description="Backtest window and out-of-sample split.")
    rank_by: RankMetric = Field(
        "sharpe", alias="rankBy", description="Metric the sets are ranked by (higher is better)."
    )
    rank_on: Literal["inSample", "outOfSample"] = Field(
        "inSample",
        alias="rankOn",
        description="Which part of the period the ranking metric is read from.",
    )
    parallelism: int = Field(2, ge=1, le=64, description="Pods running at the same time.")
    sets_per_pod: int = Field(
        1,
        alias="setsPerPod",
        ge=1,
        le=500,
        description="Sets one index of the Indexed Job computes (completions = sets / this).",
    )
    top: int = Field(5, ge=1, le=50, description="How many best sets the status lists.")

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.grid is None) == (self.sets is None):
            raise ValueError("grid: give exactly one of grid and sets")
        if self.rank_on == "outOfSample" and self.period.out_of_sample_start is None:
            raise ValueError("rankOn: outOfSample needs period.outOfSampleStart")
        return self

    def spec_hash(self) -> str:
        """Identity of the sweep's inputs: a changed spec is a new set of result rows."""
        doc = self.model_dump(mode="json", by_alias=True)
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class StrategySweep(Manifest[StrategySweepSpec]):
    """A whole StrategySweep manifest."""

    kind: Literal["StrategySweep"]
