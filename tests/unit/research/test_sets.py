"""Sweep inputs are expanded and validated against the class's model before anything runs."""

from __future__ import annotations

from typing import Any

import pytest

from stratops.core.research.sets import SweepInputError, expand, validate_sets
from stratops.core.research.spec import StrategySweepSpec

from ..engine.builders import SMALL, spec

BASE = spec(parameters=SMALL)
PERIOD = {"start": "2016-01-01", "end": "2017-06-30"}


def sweep(**fields: Any) -> StrategySweepSpec:
    return StrategySweepSpec.model_validate({"baseStrategy": "base", "period": PERIOD, **fields})


def test_a_grid_is_every_combination_in_a_stable_order() -> None:
    sets = expand(sweep(grid={"sma_fast": [3, 5], "sma_slow": [20, 25, 30]}))
    assert [s.index for s in sets] == list(range(6))
    assert [dict(s.overrides) for s in sets[:4]] == [
        {"sma_fast": 3, "sma_slow": 20},
        {"sma_fast": 3, "sma_slow": 25},
        {"sma_fast": 3, "sma_slow": 30},
        {"sma_fast": 5, "sma_slow": 20},
    ]


def test_a_list_keeps_its_order() -> None:
    sets = validate_sets(sweep(sets=[{"sma_fast": 4}, {"leverage_scalar": 1.2}]), BASE)
    assert [dict(s.overrides) for s in sets] == [{"sma_fast": 4}, {"leverage_scalar": 1.2}]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"grid": {}}, "spec.grid", "is empty"),
        ({"grid": {"sma_fast": []}}, "spec.grid.sma_fast", "has no values"),
        ({"sets": []}, "spec.sets", "is empty"),
        ({"grid": {"sma_fastt": [3]}}, "spec.grid.sma_fastt", "not a parameter of"),
        ({"sets": [{}, {"nope": 1}]}, "spec.sets[1].nope", "not a parameter of"),
        ({"grid": {"leverage_scalar": [1.0, 2.0]}}, "spec.grid.leverage_scalar", "2.0"),
        ({"sets": [{"sma_fast": 0}]}, "spec.sets[0].sma_fast", "greater than or equal to 1"),
        ({"grid": {"sma_fast": [5, 40]}}, "spec.grid.sma_fast", "must be below sma_slow"),
        (
            {"grid": {"sma_fast": list(range(1, 12)), "sma_slow": list(range(30, 40))}},
            "spec.grid",
            "110 sets exceed the maximum of 100",
        ),
    ],
)
def test_bad_input_names_the_sweep_field(fields: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(SweepInputError) as caught:
        validate_sets(sweep(**fields), BASE, max_sets=100)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_class_decides_what_is_valid() -> None:
    """v3.5b refuses the switch that defines v3.5d; v3.5d accepts it."""
    confirm = sweep(sets=[{"cell1_exit_confirmation_enabled": True}])
    with pytest.raises(SweepInputError, match="cell1_exit_confirmation_enabled"):
        validate_sets(confirm, BASE)
    v35d = spec("Hierarchical_Adaptive_v3_5d", SMALL)
    assert len(validate_sets(confirm, v35d)) == 1


def test_a_set_contradicting_the_execution_block_is_refused() -> None:
    with pytest.raises(SweepInputError, match=r"spec\.sets\[0\]: parameters\.execution_time"):
        validate_sets(sweep(sets=[{"execution_time": "open"}]), BASE)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"grid": {"sma_fast": [3]}, "sets": [{}]}, "exactly one of grid and sets"),
        ({}, "exactly one of grid and sets"),
        ({"grid": {"sma_fast": [3]}, "rankOn": "outOfSample"}, "needs period.outOfSampleStart"),
        ({"grid": {"sma_fast": [3]}, "rankBy": "luck"}, "rankBy"),
        ({"grid": {"sma_fast": [3]}, "parallelism": 0}, "parallelism"),
    ],
)
def test_the_spec_model_refuses_bad_shapes(fields: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        sweep(**fields)


@pytest.mark.parametrize(
    "period",
    [
        {"start": "2017-01-01", "end": "2016-01-01"},
        {"start": "2016-01-01", "end": "2017-01-01", "outOfSampleStart": "2018-01-01"},
    ],
)
def test_a_period_must_be_ordered(period: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="must be after"):
        StrategySweepSpec.model_validate(
            {"baseStrategy": "b", "grid": {"sma_fast": [3]}, "period": period}
        )


def test_the_inputs_hash_changes_with_the_spec() -> None:
    a = sweep(grid={"sma_fast": [3, 4]})
    assert a.spec_hash() == sweep(grid={"sma_fast": [3, 4]}).spec_hash()
    assert a.spec_hash() != sweep(grid={"sma_fast": [3, 5]}).spec_hash()
