"""Property-based requests generated from the OpenAPI schema (schemathesis + hypothesis):
no 5xx, every status code documented, every body matches its schema, and requests
that break the schema are rejected.

Runs against the ranges scenario (two strategies, runs, a failure, trades, a
backtest and its CSV export), so generated requests meet real rows as well as 404s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.generation.modes import GenerationMode

from ...api_paths import API_PATHS
from .conftest import ApiClient

pytestmark = pytest.mark.db

_NO_PARAMETERS = {
    "/api/strategies",
    "/api/backtest/strategies",
    "/api/status/strategies",
    "/api/overview",
    "/healthz",
    "/readyz",
}
PATHS = list(API_PATHS)
# Negative data needs a parameter to break.
WITH_PARAMETERS = [p for p in PATHS if p not in _NO_PARAMETERS]
CASES = [(p, GenerationMode.POSITIVE) for p in PATHS] + [
    (p, GenerationMode.NEGATIVE) for p in WITH_PARAMETERS
]
POSITIVE_CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
NEGATIVE_CHECKS = [*POSITIVE_CHECKS, checks.negative_data_rejection]


@pytest.fixture
def api_schema(make_client: Callable[..., ApiClient]) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", make_client("ranges").app)


def test_the_schema_lists_exactly_these_operations(api_schema: Any) -> None:
    assert sorted(api_schema.raw_schema["paths"]) == sorted(PATHS)


@pytest.mark.parametrize(("path", "mode"), CASES)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_requests_honour_the_schema(
    api_schema: Any, path: str, mode: GenerationMode, data: st.DataObject
) -> None:
    operation = api_schema[path]["GET"]
    case = data.draw(operation.as_strategy(generation_mode=mode))
    chosen = NEGATIVE_CHECKS if mode is GenerationMode.NEGATIVE else POSITIVE_CHECKS
    case.call_and_validate(checks=chosen)
