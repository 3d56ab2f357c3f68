"""README's "Migrate from the legacy engine", run as written with the installed command.

The commands of its shell block (all but `kubectl`, which needs a cluster:
tests/cluster/deploy/test_migrated_apply.py applies migrated objects) run from
the legacy project root (the real files in ../shared/legacy) against the
engine's head (test_adoption.py covers both starting points in process); the
rollback it names then restores the database.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .legacy_db import build, dump, legacy_dir

pytestmark = pytest.mark.db
README = Path(__file__).resolve().parents[3] / "README.md"
SECTION = "## Migrate from the legacy engine"


def readme_commands() -> tuple[list[list[str]], list[str]]:
    """(the stratops commands of the section's shell block, the rollback command it names)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    commands = [shlex.split(line, comments=True) for line in block.splitlines()]
    rollback = re.search(r"`(stratops db downgrade legacy [^`]+)`", section)
    assert rollback is not None, "the section names no rollback command"
    return [c for c in commands if c and c[0] == "stratops"], shlex.split(rollback.group(1))


def stratops() -> str:
    found = shutil.which("stratops", path=str(Path(sys.executable).parent))
    assert found is not None, "the stratops command is not installed next to this Python"
    return found


def run(argv: list[str], url: str, out: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    args = [a.replace("$LEGACY_DB_URL", url) for a in argv[1:]]
    args = [str(out) if a == "migrated" else a for a in args]
    return subprocess.run(
        [stratops(), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )


def test_the_readme_procedure_adopts_migrates_and_rolls_back(db_url: str, tmp_path: Path) -> None:
    commands, rollback = readme_commands()
    assert [c[1] for c in commands] == ["db", "migrate-registry"]
    build(db_url, "head")
    before = dump(db_url)
    out = tmp_path / "migrated"

    for command in commands:
        done = run(command, db_url, out, legacy_dir())
        assert (done.returncode, done.stderr) == (0, ""), command

    assert sorted(p.name for p in (out / "strategies").iterdir()) == ["v3-5b.yaml", "v3-5d.yaml"]
    assert (out / "state" / "v3-5b-state.yaml").is_file()
    assert dump(db_url) != before
    done = run(rollback, db_url, out, legacy_dir())
    assert (done.returncode, done.stderr) == (0, "")
    assert dump(db_url) == before
