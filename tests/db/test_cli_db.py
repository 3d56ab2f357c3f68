"""`stratops db upgrade|downgrade|current|stamp` as a user runs them."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory

from stratops.core.cli import main
from stratops.core.db import current_revision, head_revision
from stratops.core.db.migrate import alembic_config

pytestmark = pytest.mark.db


def _stdout(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out.strip()


def test_upgrade_current_and_downgrade(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    head = head_revision()
    assert _stdout(capsys, "db", "upgrade", "--db", db_url).endswith(f": {head} (head)")
    assert _stdout(capsys, "db", "current", "--db", db_url) == f"{head} (head)"
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head).down_revision
    assert _stdout(capsys, "db", "downgrade", "-1", "--db", db_url).endswith(
        f": {previous} (head is {head})"
    )
    _stdout(capsys, "db", "downgrade", "base", "--db", db_url)
    assert (
        _stdout(capsys, "db", "current", "--db", db_url) == f"none (not migrated; head is {head})"
    )
    _stdout(capsys, "db", "upgrade", "0000", "--db", db_url)
    assert current_revision(db_url) == "0000"


def test_the_url_comes_from_the_environment(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRATOPS_DB_URL", db_url)
    _stdout(capsys, "db", "upgrade")
    assert current_revision(db_url) == head_revision()


def test_stamp_records_a_revision_without_running_migrations(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdout(capsys, "db", "stamp", "0000", "--db", db_url)
    assert current_revision(db_url) == "0000"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["current", "--db", "not a url"], "not a database URL"),
        (["current", "--db", "mysql://u@h/d"], "unsupported database 'mysql'"),
        (["current", "--db", "postgresql://u:secret@127.0.0.1:1/d"], "Connection refused"),
        (["current", "--db", "sqlite:////no/such/dir/x.db"], "unable to open database file"),
        (["current"], "no database given"),
    ],
)
def test_a_bad_database_is_one_line_and_exit_1(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STRATOPS_DB_URL", raising=False)
    assert main(["db", *argv]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("stratops: error: ")
    assert message in captured.err
    assert "secret" not in captured.err


def test_an_unknown_revision_is_one_line(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    assert main(["db", "upgrade", "0099", "--db", url]) == 1
    assert (
        capsys.readouterr().err == "stratops: error: Can't locate revision identified by '0099'\n"
    )


def test_downgrade_help_states_what_the_rollback_does_with_later_rows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["db", "downgrade", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "`legacy` rolls an adopted legacy database back" in text
    assert "the rollback refuses while they exist, unless --discard-later-rows is given" in text


def test_the_installed_command_reports_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stratops.core.cli", "db", "current", "--db", "nope://x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("stratops: error: unsupported database 'nope'")
    assert "Traceback" not in result.stderr
