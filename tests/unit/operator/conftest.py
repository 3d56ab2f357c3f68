"""Shared inputs of the operator's unit tests: settings, an owner and the example specs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stratops.core.resource import TradingStrategySpec
from stratops.operator.children import Owner
from stratops.operator.settings import OperatorSettings

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def settings() -> OperatorSettings:
    return OperatorSettings(image="stratops:test", database_url="sqlite://")  # type: ignore[arg-type]


def example_spec(name: str) -> TradingStrategySpec:
    doc = yaml.safe_load((REPO / "manifests" / "strategies" / f"{name}.yaml").read_text())
    return TradingStrategySpec.model_validate(doc["spec"])


@pytest.fixture
def spec_b() -> TradingStrategySpec:
    return example_spec("v3-5b")


@pytest.fixture
def owner_b() -> Owner:
    return Owner(name="v3-5b", namespace="trading", uid="uid-b", strategy_id="v3_5b")
