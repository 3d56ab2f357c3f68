"""Settings from the environment, defaults for paths, and the command-line contract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from stratops.core.cli import build_parser, main
from stratops.core.errors import UserError
from stratops.runner.alerts import LogAlert, WebhookAlert, alert_body, alert_sinks
from stratops.runner.day import no_fault
from stratops.runner.handlers import replay_days, resolve_day, services
from stratops.runner.outcome import failure
from stratops.runner.settings import RunnerSettings, load_settings


def test_settings_come_from_stratops_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATOPS_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    monkeypatch.setenv("STRATOPS_CODE_VERSION", "abc123")
    settings = load_settings()
    assert settings.code_version == "abc123"
    assert [type(s) for s in alert_sinks(settings)] == [LogAlert, WebhookAlert]


def test_a_bad_variable_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATOPS_ALERT_TIMEOUT_SECONDS", "during_lunch")
    with pytest.raises(UserError, match="STRATOPS_ALERT_TIMEOUT_SECONDS"):
        load_settings()


def test_no_environment_variable_reaches_a_test_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    """Faults and a fixed clock come only from tests/entrypoints, never from a deployment."""
    monkeypatch.setenv("STRATOPS_FAULT_AT", "after_db")
    settings = load_settings()
    assert not any("fault" in name for name in type(settings).model_fields)
    engine = create_engine("sqlite://")
    assert services(engine, settings).fault is no_fault


def test_without_a_webhook_only_the_log_alerts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRATOPS_ALERT_WEBHOOK_URL", raising=False)
    assert [type(s) for s in alert_sinks(RunnerSettings())] == [LogAlert]


def test_the_alert_body() -> None:
    outcome = failure("v3_5b", dt.date(2025, 10, 1), "stale_data", "QQQ: stale")
    assert alert_body(outcome) == {
        "strategy_id": "v3_5b",
        "trade_date": "2025-10-01",
        "reason": "stale_data",
        "message": "QQQ: stale",
    }


def test_flags_win_and_sqlite_keeps_states_beside_the_file(tmp_path: Path) -> None:
    settings = RunnerSettings(state_dir=tmp_path / "env", db_url="sqlite:///from-env.db")
    assert settings.database("sqlite:///flag.db") == "sqlite:///flag.db"
    assert settings.database(None) == "sqlite:///from-env.db"
    assert settings.state_directory(tmp_path / "flag", "x") == tmp_path / "flag"
    assert settings.state_directory(None, "x") == tmp_path / "env"
    bare = RunnerSettings()
    assert bare.state_directory(None, f"sqlite:///{tmp_path}/l.db") == tmp_path / "l.db.state"
    with pytest.raises(UserError, match="--state-dir"):
        bare.state_directory(None, "postgresql://u@h/d")


def test_today_is_the_date_in_the_strategy_time_zone() -> None:
    assert resolve_day("2025-10-01", "America/New_York") == dt.date(2025, 10, 1)
    assert abs((resolve_day("today", "Asia/Tokyo") - dt.date.today()).days) <= 1
    with pytest.raises(UserError, match="unknown time zone"):
        resolve_day("today", "Mars/Olympus")


def test_a_replay_covers_the_sessions_of_the_range() -> None:
    args = build_parser().parse_args(
        ["run-all", "--manifests", "m", "--from", "2025-12-22", "--to", "2025-12-29"]
    )
    assert replay_days(args) == [
        dt.date(2025, 12, d) for d in (22, 23, 24, 26, 29)
    ]  # Christmas and the weekend are not sessions


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run-all", "--manifests", "m", "--from", "2025-12-22"], "--from needs --to"),
        (["run-all", "--manifests", "m", "--date", "2025-12-22", "--to", "2025-12-29"], "--to"),
        (["run-all", "--manifests", "m", "--from", "2025-12-29", "--to", "2025-12-22"], "before"),
        (["run-all", "--manifests", "m", "--from", "2025-12-27", "--to", "2025-12-28"], "no NYSE"),
    ],
)
def test_replay_ranges_are_checked(argv: list[str], message: str) -> None:
    with pytest.raises(UserError, match=message):
        replay_days(build_parser().parse_args(argv))


def test_run_needs_exactly_one_way_to_name_the_strategy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["run", "--date", "2025-10-01"])
    assert caught.value.code == 2
    assert "one of the arguments --strategy --strategy-name is required" in capsys.readouterr().err


def test_cluster_mode_without_the_cluster_backend_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(
        [
            *("run", "--strategy-name", "v3-5b", "--state", "configmap", "--date", "today"),
            *("--db", f"sqlite:///{tmp_path}/x.db", "--data-dir", str(tmp_path)),
        ]
    )
    err = capsys.readouterr().err
    try:
        import stratops.runner.kube  # noqa: F401
    except ModuleNotFoundError:
        assert (code, "cluster backend (stratops.runner.kube)" in err) == (1, True)
    else:
        assert code != 0  # the backend exists but there is no cluster here


def test_a_local_run_needs_a_manifest_file(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--strategy-name", "v3-5b", "--date", "2025-10-01", "--db", "sqlite://"])
    assert code == 1
    assert "--strategy-name needs --state configmap" in capsys.readouterr().err
