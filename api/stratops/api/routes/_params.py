"""Query parameters shared by several routes, and the 422 they raise when combined badly."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator

from stratops.api.context import STRATEGY_ID_PATTERN

OptionalStrategyId = Annotated[
    str | None,
    Query(pattern=STRATEGY_ID_PATTERN, description="A strategy id, e.g. `v3_5b`."),
]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: object) -> object:
    """pydantic would also read `0.0` or `1700000000` as a date; the API promises YYYY-MM-DD."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
StartDate = Annotated[IsoDate | None, Query(description="First date included (YYYY-MM-DD).")]
EndDate = Annotated[IsoDate | None, Query(description="Last date included (YYYY-MM-DD).")]


def invalid(field: str, message: str, value: Any) -> RequestValidationError:
    """A 422 shaped exactly like FastAPI's own, so clients parse one error format."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", field), "msg": message, "input": value}]
    )


def check_range(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and start > end:
        raise invalid("end", f"end {end} is before start {start}", str(end))
