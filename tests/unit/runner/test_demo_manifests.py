"""The manifests shipped inside the package (for `stratops demo` from a wheel) never drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratops.runner.demo_steps import PACKAGED_MANIFESTS, manifests_dir, workspace

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "manifests" / "strategies"
PACKAGED = ROOT / "runner" / "stratops" / "runner" / PACKAGED_MANIFESTS


def test_the_packaged_copies_equal_manifests_strategies() -> None:
    shipped = {p.name: p.read_bytes() for p in SHIPPED.glob("*.yaml")}
    packaged = {p.name: p.read_bytes() for p in PACKAGED.glob("*.yaml")}
    assert packaged == shipped


def test_the_packaged_copies_are_found_outside_a_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert manifests_dir(None).resolve() == PACKAGED.resolve()
    assert manifests_dir(tmp_path) == tmp_path


def test_each_data_source_gets_its_own_workspace(tmp_path: Path) -> None:
    synthetic = workspace(tmp_path, None)
    real = workspace(tmp_path, tmp_path / "csv")
    other = workspace(tmp_path, tmp_path / "other")
    assert synthetic.synthetic
    assert not real.synthetic
    assert len({synthetic.root, real.root, other.root}) == 3
    assert real.data_dir == tmp_path / "csv"
    assert workspace(tmp_path, tmp_path / "csv") == real
