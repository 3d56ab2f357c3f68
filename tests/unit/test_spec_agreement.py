"""`stratops validate` and the operator judge every manifest of the project alike.

The operator's verdict is its own code path (`View.from_body(...).check()`,
what decides `Ready=False/InvalidSpec` and whether a CronJob is applied);
`validate` is the CLI. Both must call the same manifests good, and for the
bad fixtures both must name the same field and rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stratops.core.cli import main
from stratops.core.resource import KIND
from stratops.operator.resources import View

ROOT = Path(__file__).resolve().parents[2]
INVALID = ROOT / "tests" / "fixtures" / "manifests" / "invalid"
FOLDERS = (ROOT / "tests", ROOT / "manifests" / "strategies", ROOT / "config" / "backtest-gold")


def _manifest_files() -> list[Path]:
    found = []
    for folder in FOLDERS:
        for path in sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")]):
            docs = [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
            if any(d.get("kind") == KIND for d in docs):
                found.append(path)
    return found


FILES = _manifest_files()


def _operator_errors(path: Path) -> list[str | None]:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
    return [_view(doc).check().error for doc in docs if doc.get("kind") == KIND]


def _view(doc: dict[str, Any]) -> View:
    body = {**doc, "metadata": {**doc["metadata"], "namespace": "ns", "uid": "u1"}}
    return View.from_body(body)


def _expected(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ")


def test_the_set_holds_good_and_bad_manifests() -> None:
    assert len([p for p in FILES if p.parent == INVALID]) >= 12
    assert len([p for p in FILES if p.parent != INVALID]) >= 4


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_validate_and_the_operator_agree(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    operator = _operator_errors(path)
    assert (code == 0) == all(error is None for error in operator), (captured, operator)
    if path.parent == INVALID:
        expected = _expected(path)
        assert code == 1
        assert captured.err.startswith(f"{path.name}: {expected}"), captured.err
        assert len(captured.err.splitlines()) == 1, "one problem, one line"
        assert operator[0] is not None
        assert expected in operator[0]
    else:
        assert code == 0, captured.err
