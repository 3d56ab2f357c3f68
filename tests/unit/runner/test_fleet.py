"""Which strategies run-all runs, in which order, and which folders it refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stratops.core.errors import UserError
from stratops.runner.fleet import load_fleet


def _write(folder: Path, name: str, **spec: Any) -> None:
    doc = {
        "apiVersion": "trading.stratops.dev/v1alpha1",
        "kind": "TradingStrategy",
        "metadata": {"name": name},
        "spec": {
            "strategyId": name.replace("-", "_"),
            "strategyClass": "Hierarchical_Adaptive_v3_5b",
            **spec,
        },
    }
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(doc))


def test_the_primary_runs_first_and_inactive_ones_not_at_all(tmp_path: Path) -> None:
    _write(tmp_path, "a")
    _write(tmp_path, "b", active=False)
    _write(tmp_path, "c", primary=True)
    _write(tmp_path, "d")
    fleet = load_fleet(tmp_path)
    assert [m.spec.strategy_id for m in fleet.active] == ["c", "a", "d"]
    assert fleet.primary == "c"
    assert len(fleet.manifests) == 4


def test_no_primary_is_allowed(tmp_path: Path) -> None:
    _write(tmp_path, "a")
    assert load_fleet(tmp_path).primary is None


def test_two_active_primaries_are_refused_by_name(tmp_path: Path) -> None:
    _write(tmp_path, "a", primary=True)
    _write(tmp_path, "b", primary=True)
    _write(tmp_path, "c", primary=True, active=False)
    with pytest.raises(UserError, match=r"claims primary: a \(a\), b \(b\); keep one"):
        load_fleet(tmp_path)


def test_a_strategy_id_declared_twice_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a")
    _write(tmp_path, "b", strategyId="a")
    with pytest.raises(UserError, match=r"strategyId a is declared twice \(a, b\)"):
        load_fleet(tmp_path)


def test_a_broken_manifest_is_reported_not_fatal(tmp_path: Path) -> None:
    _write(tmp_path, "a", primary=True)
    _write(tmp_path, "b", initialCapital=-5)
    (tmp_path / "c.yaml").write_text("kind: [unclosed\n")
    fleet = load_fleet(tmp_path)
    assert [m.spec.strategy_id for m in fleet.active] == ["a"]
    assert [(b.file, b.claims_primary) for b in fleet.broken] == [
        ("b.yaml", False),
        ("c.yaml", False),
    ]
    assert "initialCapital" in fleet.broken[0].message


def test_a_broken_manifest_claiming_primary_is_flagged(tmp_path: Path) -> None:
    _write(tmp_path, "a", primary=True, initialCapital=-5)
    fleet = load_fleet(tmp_path)
    assert fleet.primary is None
    assert fleet.broken[0].claims_primary is True


def test_a_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a directory"):
        load_fleet(tmp_path / "nope")
