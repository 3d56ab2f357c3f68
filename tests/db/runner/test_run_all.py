"""`stratops run-all`: strategies side by side, isolated, primary first; replays; alerts."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from stratops.core.backtest.engine import run_backtest
from stratops.core.cli import main
from stratops.core.db import upgrade_to_head
from stratops.core.manifests import load_strategy
from stratops.core.marketdata.cache import load_market_data
from stratops.core.strategies.registry import build_strategy

from .support import V35B, V35D, Place, counts, ledger, session_days, write_manifest

pytestmark = pytest.mark.db
DAY = session_days("2025-01-16", "2025-01-16")[0]


class Webhook:
    """A local HTTP endpoint that records every POST body (and answers `status`)."""

    def __init__(self, status: int = 204) -> None:
        self.bodies: list[dict[str, Any]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hook.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/alerts"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Webhook]:
    hook = Webhook()
    monkeypatch.setenv("STRATOPS_ALERT_WEBHOOK_URL", hook.url)
    yield hook
    hook.close()


def run_all(
    capsys: pytest.CaptureFixture[str], place: Place, folder: Path, *when: str
) -> tuple[int, dict[str, Any]]:
    code = main([*place.run_all_args(folder, *when), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _fleet(folder: Path, primary: str = "v3-5b") -> Path:
    write_manifest(folder, V35B, "v3-5b", primary=primary == "v3-5b")
    write_manifest(folder, V35D, "v3-5d", primary=primary == "v3-5d")
    return folder


def _sick_fleet(place: Place, folder: Path, primary: str) -> Path:
    """v3-5b and v3-5d, one manifest of an unknown class, one strategy with a corrupt state."""
    _fleet(folder, primary if primary.startswith("v3") else "")
    write_manifest(folder, V35B, "ghost", strategyClass="Nope", primary=primary == "ghost")
    write_manifest(folder, V35B, "broken-state", primary=primary == "broken-state")
    place.state_file("broken_state").parent.mkdir(parents=True)
    place.state_file("broken_state").write_text("{oops")
    return folder


def test_one_failing_class_and_one_corrupt_state_stop_nobody(
    place: Place, tmp_path: Path, webhook: Webhook, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_all(
        capsys, place, _sick_fleet(place, tmp_path / "m", "v3-5b"), "--date", str(DAY)
    )
    results = out["results"]
    assert (code, out["primary"], out["data_loads"]) == (0, "v3_5b", 1)
    assert list(results) == ["v3_5b", "broken_state", "ghost", "v3_5d"]  # primary, then files
    assert {sid: (r["result"], r["reason"]) for sid, r in results.items()} == {
        "v3_5b": ("traded", None),
        "v3_5d": ("traded", None),
        "ghost": ("failed", "invalid_spec"),
        "broken_state": ("failed", "invalid_state"),
    }
    assert "unknown strategyClass 'Nope'" in results["ghost"]["message"]
    assert place.state_file("broken_state").read_text() == "{oops"
    assert webhook.bodies == []  # secondary failures are only in the summary
    assert counts(place.db, "ghost")["failures"] == 1


@pytest.mark.parametrize("primary", ["ghost", "broken-state"])
def test_a_failing_primary_sets_the_exit_code_and_alerts_once(
    primary: str,
    place: Place,
    tmp_path: Path,
    webhook: Webhook,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = _sick_fleet(place, tmp_path / "m", primary)
    code, out = run_all(capsys, place, folder, "--date", str(DAY))
    sid = primary.replace("-", "_")
    reason = {"ghost": "invalid_spec", "broken_state": "invalid_state"}[sid]
    assert (code, out["primary"]) == ((1 if sid == "ghost" else 4), sid)
    assert [r["result"] for s, r in out["results"].items() if s.startswith("v3")] == ["traded"] * 2
    assert webhook.bodies == [
        {
            "strategy_id": sid,
            "trade_date": str(DAY),
            "reason": reason,
            "message": out["results"][sid]["message"],
        }
    ]
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert [r.getMessage().split(" failed")[0] for r in errors] == [f"primary strategy {sid}"]


def test_a_broken_webhook_never_fails_the_run(
    place: Place,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    down = Webhook(status=500)
    monkeypatch.setenv("STRATOPS_ALERT_WEBHOOK_URL", down.url)
    folder = _sick_fleet(place, tmp_path / "m", "ghost")
    code, out = run_all(capsys, place, folder, "--date", str(DAY))
    down.close()  # and now it is not even listening
    code_again, _ = run_all(
        capsys, place, folder, "--date", str(session_days("2025-01-17", "2025-01-17")[0])
    )
    assert (code, code_again, len(down.bodies)) == (1, 1, 1)
    assert out["results"]["v3_5b"]["result"] == "traded"


def test_two_active_primaries_are_refused_by_name(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _fleet(tmp_path / "m")
    write_manifest(folder, V35D, "v3-5d", primary=True)
    code = main(place.run_all_args(folder, "--date", str(DAY)))
    assert code == 1
    assert "more than one active strategy claims primary: v3_5b (v3-5b), v3_5d (v3-5d)" in (
        capsys.readouterr().err
    )
    assert counts(place.db, "v3_5b")["runs"] == 0


def test_an_inactive_strategy_does_not_run(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _fleet(tmp_path / "m")
    write_manifest(folder, V35D, "v3-5d", active=False)
    _, out = run_all(capsys, place, folder, "--date", str(DAY))
    assert list(out["results"]) == ["v3_5b"]


def test_v3_5d_never_sees_v3_5b_positions(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twenty sessions of both on one database equal each one's solo replay on its own."""
    days = session_days("2025-01-02", "2025-01-31")[:20]
    span = ("--from", str(days[0]), "--to", str(days[-1]))
    code, out = run_all(capsys, place, _fleet(tmp_path / "both"), *span)
    assert (code, out["sessions"], out["data_loads"]) == (0, 20, 1)
    for source, sid in ((V35B, "v3_5b"), (V35D, "v3_5d")):
        solo = Place(f"sqlite:///{tmp_path}/{sid}.db", place.data, tmp_path / f"{sid}-state")
        upgrade_to_head(solo.db)
        folder = tmp_path / f"only-{sid}"
        write_manifest(folder, source, sid.replace("_", "-"))
        assert run_all(capsys, solo, folder, *span)[0] == 0
        assert ledger(place.db, sid) == ledger(solo.db, sid)
        assert place.state_doc(sid) == solo.state_doc(sid)
    b, d = (ledger(place.db, sid)["trades"] for sid in ("v3_5b", "v3_5d"))
    assert b != d  # v3.5d's exit confirmation trades a day later: the histories really differ


@pytest.mark.slow
def test_a_replay_of_60_sessions_equals_the_backtest(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    days = session_days("2025-05-01", "2025-08-29")[:60]
    folder = tmp_path / "m"
    write_manifest(folder, V35B, "v3-5b")
    code, out = run_all(capsys, place, folder, "--from", str(days[0]), "--to", str(days[-1]))
    assert code == 0
    assert "failed" not in out["results"]["v3_5b"]["counts"]
    manifest = load_strategy(V35B)
    strategy = build_strategy(manifest.spec)
    data = load_market_data(place.data, strategy.symbols)
    backtest = run_backtest(strategy, manifest.spec, data, days[0], days[-1])
    rows = ledger(place.db, "v3_5b")
    assert [(s[0], s[1]) for s in rows["snapshots"]] == [(r.date, r.equity) for r in backtest.rows]
    assert [t[:5] for t in rows["trades"]] == [
        (d, f.symbol, f.side.upper(), f.quantity, f.price) for d, f in backtest.fills
    ]
    assert len(backtest.fills) > 2  # the window holds rebalances, not only the first buy


def test_a_rerun_of_a_replay_is_all_already_done_and_reads_no_data(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    days = session_days("2025-01-02", "2025-01-10")
    span = ("--from", str(days[0]), "--to", str(days[-1]))
    folder = _fleet(tmp_path / "m")
    run_all(capsys, place, folder, *span)
    moved = Place(place.db, tmp_path / "nothing-here", place.state)
    code, out = run_all(capsys, moved, folder, *span)
    assert (code, out["data_loads"]) == (0, 0)
    assert {sid: r["counts"] for sid, r in out["results"].items()} == {
        "v3_5b": {"already_done": len(days)},
        "v3_5d": {"already_done": len(days)},
    }


def test_the_summary_table(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _fleet(tmp_path / "m")
    assert main(place.run_all_args(folder, "--date", str(DAY))) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"run-all {DAY}: 1 session(s), primary v3_5b, market data loaded 1")
    assert [line.split()[:2] for line in lines[3:5]] == [
        ["v3_5b", "primary"],
        ["v3_5d", "secondary"],
    ]


@pytest.mark.realdata
@pytest.mark.slow
def test_real_data_q4_2025(
    real_data: Path, place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    real = Place(place.db, real_data, place.state)
    code, out = run_all(
        capsys, real, Path(V35B).parent, "--from", "2025-10-01", "--to", "2025-12-31"
    )
    assert (code, out["sessions"], out["data_loads"], out["synthetic"]) == (0, 64, 1, False)
    for result in out["results"].values():
        assert result["counts"].get("failed", 0) == 0
        assert result["trade_date"] == "2025-12-31"
