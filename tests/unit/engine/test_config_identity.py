"""The operator's config hash (parameter model only) is the engine's config hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratops.core.manifests import load_strategy
from stratops.core.spec_validation import check_parsed
from stratops.core.strategies.identity import config_hash
from stratops.core.strategies.registry import build_strategy

ROOT = Path(__file__).resolve().parents[3]
MANIFESTS = sorted((ROOT / "manifests" / "strategies").glob("*.yaml"))


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_the_light_hash_equals_the_engines(path: Path) -> None:
    spec = load_strategy(path).spec
    checked = check_parsed(spec)
    assert checked.params is not None
    assert config_hash(spec.strategy_class, checked.params, spec) == build_strategy(
        spec
    ).params_hash(spec)


def test_an_informational_field_does_not_change_the_hash() -> None:
    spec = load_strategy(MANIFESTS[0]).spec
    params = check_parsed(spec).params
    assert params is not None
    assert "symbols" in params.unhashed
    with_symbols = params.model_copy(update={"symbols": tuple(params.all_symbols)})
    assert config_hash(spec.strategy_class, with_symbols, spec) == config_hash(
        spec.strategy_class, params, spec
    )
