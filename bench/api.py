"""Read API speed on Postgres: printed figures, not assertions.

    .venv/bin/python bench/api.py [--pg-url URL] [--strategies 10] [--years 10]
                                  [--duration 10] [--concurrency 1,8,32]

Builds a throwaway database on the Postgres server at --pg-url (default:
$STRATOPS_TEST_PG_URL, else a cluster started with scripts/pg-testenv) holding
--strategies strategies x --years years of daily snapshots (generated rows, one
per NYSE session; the API's cost depends on their number, not on who wrote
them), starts `stratops api` in its own process as a read-only login role,
and loads `GET /api/performance/compare` with 3 ids (ten different triples in
turn) from a second process over loopback: keep-alive connections, each
sending its next request when the previous answer arrived.

Printed per concurrency level: requests/second, p50/p99/max latency, errors
(goal on 2 cores: p99 <= 50 ms at >= 500 requests/second), then the same with
the comparison cache off: every request recomputes from the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import insert, text

from stratops.core.db import (
    PerformanceSnapshot,
    StrategyConfig,
    create_engine_for,
    parse_url,
    upgrade_to_head,
)
from stratops.core.marketdata import calendar

ROOT = Path(__file__).resolve().parents[1]
PG_ENV = "STRATOPS_TEST_PG_URL"


# --- the database ------------------------------------------------------------


@contextmanager
def postgres_server(url: str | None) -> Iterator[str]:
    """The given server, $STRATOPS_TEST_PG_URL, or a throwaway cluster for this run."""
    if url or os.environ.get(PG_ENV):
        yield url or os.environ[PG_ENV]
        return
    folder = tempfile.mkdtemp(prefix="stratops-bench-pg.")
    script = ROOT / "scripts" / "pg-testenv"
    out = subprocess.run([str(script), "up", folder], check=True, capture_output=True, text=True)
    found = [ln.split("=", 1)[1] for ln in out.stdout.splitlines() if ln.startswith(f"{PG_ENV}=")]
    try:
        yield found[0]
    finally:
        subprocess.run([str(script), "down", folder], check=False, capture_output=True)


@contextmanager
def bench_database(server: str) -> Iterator[tuple[str, str]]:
    """A fresh database and a read-only login role on it: (admin URL, API URL)."""
    name, role, password = (f"stratops_bench_{secrets.token_hex(4)}" for _ in range(3))
    admin = create_engine_for(server)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = parse_url(server).set(database=name)
    admin_url = url.render_as_string(hide_password=False)
    api_url = url.set(username=role, password=password).render_as_string(hide_password=False)
    try:
        upgrade_to_head(admin_url)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
            conn.execute(text(f"GRANT stratops_readonly TO {role}"))
        yield admin_url, api_url
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for _ in range(100):
                try:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    break
                except Exception:  # a process still attached: try again shortly
                    time.sleep(0.1)
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


def fill(admin_url: str, strategies: int, years: int) -> int:
    """Daily snapshots of `strategies` random-walk strategies over `years` years."""
    end = calendar.previous_session("2025-12-31")
    days = [d.date() for d in calendar.sessions(end.replace(year=end.year - years), end)]
    rng = np.random.default_rng(7)
    baseline = 10000 * np.cumprod(1 + rng.normal(0.0004, 0.012, len(days)))
    engine = create_engine_for(admin_url)
    with engine.begin() as conn:
        conn.execute(insert(StrategyConfig), [_config(i) for i in range(strategies)])
        for i in range(strategies):
            equity = 10000 * np.cumprod(1 + rng.normal(0.0005, 0.015, len(days)))
            conn.execute(insert(PerformanceSnapshot), list(_rows(i, days, equity, baseline)))
    engine.dispose()
    return len(days)


def _config(i: int) -> dict[str, Any]:
    return {
        "strategy_id": f"s{i:02d}",
        "display_name": f"Strategy {i:02d}",
        "strategy_class": "Hierarchical_Adaptive_v3_5b",
        "is_primary": i == 0,
        "is_active": True,
        "parameters": {},
        "spec": {"execution": {"timing": "open"}},
    }


def _rows(i: int, days: list[Any], equity: Any, baseline: Any) -> Iterator[dict[str, Any]]:
    from datetime import UTC, datetime
    from datetime import time as clock

    for day, value, base in zip(days, equity.tolist(), baseline.tolist(), strict=True):
        yield {
            "strategy_id": f"s{i:02d}",
            "snapshot_date": day,
            "timestamp": datetime.combine(day, clock(13, 45), UTC),
            "total_equity": value,
            "cash": 0.0,
            "positions_value": value,
            "baseline_value": base,
            "strategy_cell": 1 + (day.toordinal() // 17) % 6,
            "data_snapshot_id": f"snap-{day.isoformat()}",
        }


# --- the server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def api_server(api_url: str, cache: bool) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "STRATOPS_API_CACHE_SECONDS": "30" if cache else "0"}
    command = [sys.executable, "-m", "stratops.core.cli", "api", "--db", api_url]
    command += ["--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_ready(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            reason = process.stderr.read() if process.stderr else ""
            raise SystemExit(f"stratops api exited: {reason}")
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("stratops api did not become ready within 30 s")


# --- the load (runs in its own process: `bench/api.py --load ...`) ---------------


async def _worker(port: int, paths: list[str], stop: float, out: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors, i = 0, 0
    while time.perf_counter() < stop:
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        out.append(time.perf_counter() - started)
        errors += status != 200
    writer.close()
    return errors


async def _load(port: int, paths: list[str], seconds: float, concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    started = time.perf_counter()
    stop = started + seconds
    workers = (_worker(port, paths, stop, latencies) for _ in range(concurrency))
    errors = await asyncio.gather(*workers)
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "elapsed": elapsed, "errors": sum(errors)}


def run_load(base: str, paths: list[str], seconds: float, concurrency: int) -> dict[str, Any]:
    """Start the load generator as a second process and read its JSON result."""
    port = base.rsplit(":", 1)[1]
    command = [sys.executable, __file__, "--load", port, "--seconds", str(seconds),
               "--concurrency", str(concurrency), "--paths", json.dumps(paths)]  # fmt: skip
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout))


def summary(result: dict[str, Any], concurrency: int) -> str:
    lat = sorted(result["latencies"])
    if not lat:
        return f"{concurrency:>11}  no answers"
    p50 = statistics.median(lat) * 1000
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    rate = len(lat) / result["elapsed"]
    return (
        f"{concurrency:>11} {rate:>10.0f} {p50:>9.1f} {p99:>9.1f} {lat[-1] * 1000:>9.1f}"
        f" {len(lat):>9} {result['errors']:>7}"
    )


def compare_paths(strategies: int) -> list[str]:
    ids = [f"s{i:02d}" for i in range(strategies)]
    triples = [[ids[(k + j) % len(ids)] for j in range(3)] for k in range(10)]
    return [
        "/api/performance/compare?" + "&".join(f"strategy_ids={s}" for s in triple)
        for triple in triples
    ]


def main() -> None:
    args = parse_args()
    if args.load:
        result = asyncio.run(
            _load(int(args.load), json.loads(args.paths), args.seconds, args.concurrency)
        )
        print(json.dumps(result))
        return
    levels = [int(c) for c in args.concurrency_levels.split(",")]
    with postgres_server(args.pg_url) as server, bench_database(server) as (admin, api):
        t0 = time.perf_counter()
        sessions = fill(admin, args.strategies, args.years)
        took = time.perf_counter() - t0
        print(f"database: {args.strategies} strategies x {sessions} sessions", end=" ")
        print(f"({args.strategies * sessions} snapshots) in {took:.1f} s")
        print(f"machine: {os.cpu_count()} cores; server and load generator share them\n")
        paths = compare_paths(args.strategies)
        for cache in (True, False):
            with api_server(api, cache) as base:
                for path in paths:  # warm up: connections, imports, the cache
                    httpx.get(base + path, timeout=30).raise_for_status()
                print(f"GET /api/performance/compare, 3 ids, cache {'on' if cache else 'off'}")
                print("concurrency  req/s    p50 ms    p99 ms    max ms  requests  errors")
                for level in levels:
                    print(summary(run_load(base, paths, args.duration, level), level), flush=True)
                print()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", help=f"Postgres server URL (default ${PG_ENV})")
    parser.add_argument("--strategies", type=int, default=10)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per level")
    parser.add_argument("--concurrency", dest="concurrency_levels", default="1,8,32")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        args.concurrency = int(args.concurrency_levels)
    return args


if __name__ == "__main__":
    main()
