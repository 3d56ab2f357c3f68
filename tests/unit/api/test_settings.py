"""Settings: built from flags and STRATOPS_API_* variables at start-up, refused when invalid."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from stratops.api.commands.serve import build_settings
from stratops.api.settings import ApiSettings
from stratops.core.cli import main
from stratops.core.errors import UserError


def _args(**given: object) -> argparse.Namespace:
    values: dict[str, object] = dict.fromkeys(
        ("db", "host", "port", "dashboards_dir", "allow_writable_user")
    )
    values.update(given)
    return argparse.Namespace(**values)


def test_api_variable_wins_over_the_shared_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATOPS_DB_URL", "sqlite:///shared.db")
    monkeypatch.setenv("STRATOPS_API_DB_URL", "sqlite:///api.db")
    assert ApiSettings().db_url.get_secret_value() == "sqlite:///api.db"  # type: ignore[call-arg]


def test_shared_variable_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRATOPS_API_DB_URL", raising=False)
    monkeypatch.setenv("STRATOPS_DB_URL", "sqlite:///shared.db")
    assert ApiSettings().db_url.get_secret_value() == "sqlite:///shared.db"  # type: ignore[call-arg]


def test_flags_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATOPS_API_DB_URL", "sqlite:///env.db")
    monkeypatch.setenv("STRATOPS_API_PORT", "9000")
    settings = build_settings(_args(db="sqlite:///flag.db", port=8123))
    assert settings.db_url.get_secret_value() == "sqlite:///flag.db"
    assert settings.port == 8123


def test_password_is_not_shown() -> None:
    settings = ApiSettings(db_url="postgresql://api:hunter2@db/stratops")
    assert "hunter2" not in repr(settings)


def test_missing_database_is_one_line_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRATOPS_API_DB_URL", raising=False)
    monkeypatch.delenv("STRATOPS_DB_URL", raising=False)
    with pytest.raises(UserError, match="--db URL"):
        build_settings(_args())


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(UserError, match="unsupported database 'mysql'"):
        build_settings(_args(db="mysql://x@y/z"))


def test_missing_dashboards_dir_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is not a folder"):
        build_settings(_args(db="sqlite:///x.db", dashboards_dir=tmp_path / "absent"))


def test_command_reports_a_missing_sqlite_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["api", "--db", f"sqlite:///{tmp_path / 'absent.db'}"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("stratops: error: no SQLite database at")
    assert "\n" not in err
