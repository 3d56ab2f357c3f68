"""`stratops data fetch|show` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stratops.core.cli import main


def _fetch(cache: Path, *extra: str) -> int:
    return main(
        ["data", "fetch", "--provider", "synthetic", "--seed", "3", "--start", "2010-01-04",
         "--end", "2010-12-31", "--symbols", "QQQ,tqqq,TLT", "--cache", str(cache), *extra]
    )  # fmt: skip


def test_fetch_writes_a_cache_and_reports_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _fetch(tmp_path / "cache") == 0
    out, err = capsys.readouterr()
    assert "fetching 3 symbol(s) from synthetic" in err
    assert "[2/3] TQQQ: 225 rows 2010-02-11..2010-12-31" in err
    assert "provider synthetic (synthetic data)" in out
    assert sorted(p.name for p in (tmp_path / "cache").glob("*.csv")) == [
        "QQQ.csv",
        "TLT.csv",
        "TQQQ.csv",
    ]


def test_show_json_reports_freshness(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fetch(tmp_path / "cache")
    capsys.readouterr()
    assert (
        main(
            [
                "data",
                "show",
                "--cache",
                str(tmp_path / "cache"),
                "--json",
                "--now",
                "2011-01-05T00:00:00Z",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert (report["provider"], report["synthetic"]) == ("synthetic", True)
    assert report["fresh"] is False
    assert report["freshness"] == "stale: last bar 2010-12-31, expected 2011-01-04"
    assert [s["symbol"] for s in report["symbols"]] == ["QQQ", "TLT", "TQQQ"]
    assert report["symbols"][0] == {
        "symbol": "QQQ",
        "rows": 252,
        "first": "2010-01-04",
        "last": "2010-12-31",
        "missing_sessions": 0,
        "fresh": False,
        "freshness": "stale: last bar 2010-12-31, expected 2011-01-04",
    }
    assert len(report["snapshot_id"]) == 16
    assert report["as_of"].endswith("Z")


def test_show_text_labels_synthetic_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fetch(tmp_path / "cache")
    capsys.readouterr()
    assert (
        main(["data", "show", "--cache", str(tmp_path / "cache"), "--now", "2010-12-31T22:00"]) == 0
    )
    out = capsys.readouterr().out
    assert "SYNTHETIC DATA" in out
    assert "freshness   fresh (timing close)" in out
    assert "TQQQ        225  2010-02-11  2010-12-31     0  fresh" in out


@pytest.mark.realdata
def test_fetch_from_a_directory_and_show_it(
    real_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    code = main(
        [
            "data",
            "fetch",
            "--provider",
            "dir",
            "--source",
            str(real_data),
            "--symbols",
            "QQQ,TMF",
            "--cache",
            str(cache),
        ]
    )
    assert code == 0
    capsys.readouterr()
    assert main(["data", "show", "--cache", str(cache), "--now", "2026-01-02T12:00:00Z"]) == 0
    out = capsys.readouterr().out
    assert "provider    dir\n" in out
    assert "TMF        4205  2009-04-16  2025-12-31     0  fresh" in out


def test_user_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _fetch(tmp_path / "cache", "--symbols", "QQQ,SPY") == 1
    err = capsys.readouterr().err.strip().splitlines()
    known = "PSQ, QQQ, TLT, TMF, TMV, TQQQ"
    assert (
        err[-1] == f"stratops: error: SPY: no such symbol in the synthetic provider (has {known})"
    )
    assert (
        main(["data", "fetch", "--provider", "dir", "--symbols", "QQQ", "--cache", str(tmp_path)])
        == 1
    )
    assert capsys.readouterr().err == "stratops: error: provider dir needs --source DIR\n"


def test_show_refuses_a_corrupted_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache"
    _fetch(cache)
    with (cache / "TLT.csv").open("ab") as handle:
        handle.write(b"2011-01-03,1,1,1,1,1,1\n")
    capsys.readouterr()
    assert main(["data", "show", "--cache", str(cache)]) == 1
    assert capsys.readouterr().err == (
        "stratops: error: TLT.csv: checksum mismatch with manifest.json (changed or truncated)\n"
    )


def test_bad_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        _fetch(tmp_path, "--end", "2010-13-01")
    assert caught.value.code == 2
    assert "not a date (YYYY-MM-DD): '2010-13-01'" in capsys.readouterr().err
