"""`stratops validate`: exit 0 with a line per good file, exit 1 with a line per error."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratops.core.cli import main

ROOT = Path(__file__).resolve().parents[2]
V35B = ROOT / "manifests" / "strategies" / "v3-5b.yaml"


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = V35B.read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


def test_shipped_manifests_validate(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (ROOT / "manifests" / "strategies").glob("*.yaml"))
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(files)
    assert all(": ok: " in line for line in out)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "initialCapital: 10000",
            "initialCapital: -5",
            "spec.initialCapital: must be greater than 0",
        ),
        ("mode: paper", "mode: live", "spec.mode: must be 'paper'"),
        ("strategyId: v3_5b", "strategyId: V3.5B", "spec.strategyId: must be 1-50 lowercase"),
        ("  strategyClass: Hierarchical_Adaptive_v3_5b\n", "", "spec.strategyClass: is required"),
    ],
)
def test_bad_manifest_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str
) -> None:
    path = _variant(tmp_path, "v3-5b.yaml", old, new)
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"v3-5b.yaml: {expected}")
    assert "Traceback" not in captured.err


def test_unreadable_and_broken_files_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("spec: [unclosed\n")
    assert main(["validate", str(tmp_path / "missing.yaml"), str(broken)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert "cannot read" in err[0]
    assert "not valid YAML" in err[1]


def test_good_and_bad_files_together_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _variant(tmp_path, "bad.yaml", "mode: paper", "mode: live")
    assert main(["validate", str(V35B), str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out.count(": ok: ") == 1
    assert captured.err.count("\n") == 1


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("stratops ")


def test_unknown_subcommand_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
    assert len(capsys.readouterr().err.splitlines()) == 1
