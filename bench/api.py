"""Read API speed on Postgres at research scale: printed figures, not assertions.

    .venv/bin/python bench/api.py [--pg-url URL] [--strategies 500] [--years 20]
                                  [--duration 5] [--concurrency 1,8]

Builds a throwaway database on the Postgres server at --pg-url (default:
$STRATOPS_TEST_PG_URL, else a cluster started with scripts/pg-testenv) holding
--strategies strategies x --years years of daily snapshots and completed runs
(generated rows written with COPY, one per NYSE session, in date order across
strategies as daily runners write them; see bench/bulk_ledger.py) plus one
stored 16-year backtest, starts `stratops api` in its own process as a
read-only login role, and loads it from a second process over loopback:
keep-alive connections, each sending its next request when the previous answer
arrived, with `Accept-Encoding: gzip` as browsers send it.

Printed: the ledger build time; then, cache on and off, at each concurrency:
requests/second and p50/p99/max latency of `/api/performance/compare` (3 ids,
ten different triples in turn), `/api/strategies`, `/api/status/strategies`,
`/api/performance` (one strategy, every day), `/api/backtest/data`, one page
of a sweep's sets ranked over 10,000 and `/metrics`; with the
cache on also the same requests revalidated with their ETag (`... 304`: what a
browser's repeat costs); the size of each answer on the wire (gzip) and
uncompressed, and whether a repeat with the answer's ETag gets 304; the API
process's resident memory (now and peak); at the end the load average and
each goal against its figure. "Cache off" sets
STRATOPS_API_CACHE_SECONDS=0: no comparison cache, every answer recomputed.

Goals (issue: read API at research scale; 2 cores shared with the load):
compare cache off p99 <= 15 ms at concurrency 1, >= 200 req/s at 8; strategies
and status p99 <= 25 ms cache off at 500 strategies; backtest data <= 150 KB on
the wire, p99 <= 30 ms; API RSS <= 200 MiB.
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
from sqlalchemy import Connection, insert, text

import bulk_ledger
from stratops.core.db import (
    BacktestPoint,
    BacktestRun,
    Sweep,
    SweepResult,
    create_engine_for,
    parse_url,
    upgrade_to_head,
)

ROOT = Path(__file__).resolve().parents[1]
PG_ENV = "STRATOPS_TEST_PG_URL"
BACKTEST_YEARS = 16
SWEEP_SETS = 10_000
SWEEP_NAME = "bench-sweep"
RESULTS: dict[tuple[str, str, int], dict[str, float]] = {}  # (cache, label, conc.) -> figures
BROWSER_HEADERS = "Accept: application/json\r\nAccept-Encoding: gzip, deflate, br\r\n"


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
    """The ledger (bulk_ledger.fill) and one 16-year backtest of the first strategy."""
    engine = create_engine_for(admin_url)
    try:
        sessions = bulk_ledger.fill(engine, strategies, years)
        with engine.begin() as conn:
            store_backtest(conn, bulk_ledger.strategy_id(0), BACKTEST_YEARS)
            store_sweep(conn, bulk_ledger.strategy_id(0), SWEEP_SETS)
    finally:
        engine.dispose()
    return sessions


def store_backtest(conn: Connection, sid: str, years: int) -> None:
    days = bulk_ledger.sessions(years)
    rng = np.random.default_rng(11)
    value = 10000 * np.cumprod(1 + rng.normal(0.0005, 0.015, len(days)))
    base = 10000 * np.cumprod(1 + rng.normal(0.0004, 0.012, len(days)))
    run = {
        "strategy_id": sid,
        "strategy_class": "Hierarchical_Adaptive_v3_5b",
        "params_hash": "bench",
        "data_snapshot_id": "bench",
        "start_date": days[0],
        "end_date": days[-1],
        "initial_capital": 10000.0,
        "synthetic": True,
        "metrics": {},
        "baseline_metrics": None,
    }
    run_id = conn.execute(insert(BacktestRun).returning(BacktestRun.id), [run]).scalar_one()
    points = [
        {
            "backtest_run_id": run_id,
            "date": day,
            "portfolio_value": v,
            "baseline_value": b,
            "cell": 1 + (day.toordinal() // 17) % 6,
            "trend": "Sideways",
            "vol": "Low",
        }
        for day, v, b in zip(days, value.tolist(), base.tolist(), strict=True)
    ]
    conn.execute(insert(BacktestPoint), points)


def store_sweep(conn: Connection, sid: str, sets: int) -> None:
    """One finished sweep of `sets` parameter sets with scores, as the sweep Jobs write it."""
    rng = np.random.default_rng(13)
    sweep = {
        "namespace": "trading",
        "name": SWEEP_NAME,
        "inputs_hash": "bench",
        "base_strategy": "s000",
        "strategy_id": sid,
        "strategy_class": "Hierarchical_Adaptive_v3_5b",
        "total_sets": sets,
        "rank_by": "sharpe",
        "rank_on": "out_of_sample",
        "spec": {"grid": {"a": list(range(100)), "b": list(range(100))}, "period": {}},
        "base_spec": {},
    }
    sweep_id = conn.execute(insert(Sweep).returning(Sweep.id), [sweep]).scalar_one()
    scores = rng.normal(0.8, 0.4, sets).tolist()
    rows = [
        {
            "sweep_id": sweep_id,
            "set_index": i,
            "parameters": {"a": i // 100, "b": i % 100},
            "params_hash": f"{i:064x}",
            "data_snapshot_id": "bench",
            "in_sample": {"sharpe": score + 0.1, "cagr": 12.0, "max_drawdown": -20.0},
            "out_of_sample": {"sharpe": score, "cagr": 10.0, "max_drawdown": -25.0},
            "score": score,
            "error": None,
        }
        for i, score in enumerate(scores)
    ]
    conn.execute(insert(SweepResult), rows)


# --- the server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def api_server(api_url: str, cache: bool) -> Iterator[tuple[str, int]]:
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
        yield base, process.pid
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


async def _worker(
    port: int, paths: list[str], stop: float, out: list[float], tags: dict[str, str]
) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors, i = 0, 0
    while time.perf_counter() < stop:
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        extra = f"If-None-Match: {tags[path]}\r\n" if path in tags else ""
        head = f"GET {path} HTTP/1.1\r\nHost: bench\r\n{BROWSER_HEADERS}{extra}\r\n"
        writer.write(head.encode())
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        out.append(time.perf_counter() - started)
        errors += status != (304 if path in tags else 200)
    writer.close()
    return errors


async def _load(
    port: int, paths: list[str], seconds: float, concurrency: int, tags: dict[str, str]
) -> dict[str, Any]:
    latencies: list[float] = []
    started = time.perf_counter()
    stop = started + seconds
    workers = (_worker(port, paths, stop, latencies, tags) for _ in range(concurrency))
    errors = await asyncio.gather(*workers)
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "elapsed": elapsed, "errors": sum(errors)}


def run_load(
    base: str,
    paths: list[str],
    seconds: float,
    concurrency: int,
    tags: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Start the load generator as a second process and read its JSON result; with
    `tags` (path -> ETag) every request revalidates and expects 304."""
    port = base.rsplit(":", 1)[1]
    command = [sys.executable, __file__, "--load", port, "--seconds", str(seconds),
               "--concurrency", str(concurrency), "--paths", json.dumps(paths),
               "--tags", json.dumps(tags or {})]  # fmt: skip
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout))


def summary(label: str, result: dict[str, Any], concurrency: int, cache: str = "") -> str:
    lat = sorted(result["latencies"])
    if not lat:
        return f"{label:<28} {concurrency:>5}  no answers"
    p50 = statistics.median(lat) * 1000
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    rate = len(lat) / result["elapsed"]
    if cache:
        RESULTS[(cache, label, concurrency)] = {"rate": rate, "p99": p99}
    return (
        f"{label:<28} {concurrency:>5} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f} {lat[-1] * 1000:>8.1f}"
        f" {len(lat):>8} {result['errors']:>6}"
    )


def compare_paths(strategies: int) -> list[str]:
    ids = list(bulk_ledger.ids(strategies))
    triples = [[ids[(k * 7 + j) % len(ids)] for j in range(3)] for k in range(10)]
    return [
        "/api/performance/compare?" + "&".join(f"strategy_ids={s}" for s in triple)
        for triple in triples
    ]


def endpoints(strategies: int) -> dict[str, list[str]]:
    first = bulk_ledger.strategy_id(0)
    return {
        "compare (3 ids)": compare_paths(strategies),
        "/api/strategies": ["/api/strategies"],
        "/api/status/strategies": ["/api/status/strategies"],
        "/api/performance": [f"/api/performance?strategy_id={first}"],
        "/api/backtest/data": [f"/api/backtest/data?strategy_id={first}"],
        f"sweep top 100 / {SWEEP_SETS}": [f"/api/sweeps/{SWEEP_NAME}?limit=100"],
        "/metrics": ["/metrics"],
    }


def etags(base: str, paths: list[str]) -> dict[str, str]:
    """The current ETag of each path (none for an answer without one)."""
    found = {path: httpx.get(base + path, timeout=60).headers.get("etag") for path in paths}
    return {path: tag for path, tag in found.items() if tag}


def wire(base: str, path: str) -> str:
    """Size on the wire (gzip) and uncompressed, and what a repeat with the ETag gets."""
    with httpx.Client(base_url=base, timeout=60) as client:
        first = client.get(path, headers={"Accept-Encoding": "gzip"})
        raw = first.num_bytes_downloaded
        tag = first.headers.get("etag")
        again = client.get(path, headers={"If-None-Match": tag}) if tag else None
    SIZES[path] = raw / 1000
    repeat = f"repeat with ETag -> {again.status_code}" if again is not None else "no ETag"
    return f"{raw / 1024:>8.1f} KiB gzip {len(first.content) / 1024:>8.1f} KiB raw  {repeat}"


SIZES: dict[str, float] = {}  # path -> kB on the wire
PEAK_RSS: list[float] = []


def goals(strategies: int) -> None:
    """Each goal of the issue against the figure measured above."""
    first = bulk_ledger.strategy_id(0)

    def figure(cache: str, label: str, level: int, key: str) -> float | None:
        found = RESULTS.get((cache, label, level))
        return None if found is None else found[key]

    rows = [
        ("compare, cache off, c1: p99 <= 15 ms",
         figure("off", "compare (3 ids)", 1, "p99"), 15, "<="),
        ("compare, cache off, c8: >= 200 req/s",
         figure("off", "compare (3 ids)", 8, "rate"), 200, ">="),
        (f"strategies ({strategies}), cache off, c1: p99 <= 25 ms",
         figure("off", "/api/strategies", 1, "p99"), 25, "<="),
        (f"status ({strategies}), cache off, c1: p99 <= 25 ms",
         figure("off", "/api/status/strategies", 1, "p99"), 25, "<="),
        ("backtest data, cache on, c1: p99 <= 30 ms",
         figure("on", "/api/backtest/data", 1, "p99"), 30, "<="),
        ("backtest data, cache off, c1: p99 <= 30 ms",
         figure("off", "/api/backtest/data", 1, "p99"), 30, "<="),
        ("backtest data on the wire <= 150 kB",
         SIZES.get(f"/api/backtest/data?strategy_id={first}"), 150, "<="),
        ("API RSS peak <= 200 MiB", max(PEAK_RSS) if PEAK_RSS else None, 200, "<="),
    ]  # fmt: skip
    print("goals")
    for name, value, bound, sense in rows:
        if value is None:
            print(f"  {name:<52} not measured")
            continue
        met = value <= bound if sense == "<=" else value >= bound
        print(f"  {name:<52} {value:>8.1f}  {'met' if met else 'NOT met'}")


def rss(pid: int) -> str:
    """Resident memory of the API process now and at its peak (Linux /proc)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    now, peak = (int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))
    PEAK_RSS.append(peak)
    return f"API process RSS {now:.0f} MiB, peak {peak:.0f} MiB (goal <= 200 MiB)"


def main() -> None:
    args = parse_args()
    if args.load:
        load = _load(
            int(args.load),
            json.loads(args.paths),
            args.seconds,
            args.concurrency,
            json.loads(args.tags),
        )
        print(json.dumps(asyncio.run(load)))
        return
    with postgres_server(args.pg_url) as server, bench_database(server) as (admin, api):
        t0 = time.perf_counter()
        sessions = fill(admin, args.strategies, args.years)
        took = time.perf_counter() - t0
        rows = args.strategies * sessions
        print(f"ledger: {args.strategies} strategies x {sessions} sessions = {rows} snapshots")
        print(
            f"        and as many runs, built (COPY, index build, VACUUM ANALYZE) in {took:.1f} s"
        )
        print(f"machine: {os.cpu_count()} cores; server and load generator share them\n")
        for cache in (True, False):
            with api_server(api, cache) as (base, pid):
                measure(args, base, pid, cache)
        print(f"load average during the run (1, 5, 15 min): {os.getloadavg()}")
        goals(args.strategies)


def revalidations(
    args: argparse.Namespace, base: str, targets: dict[str, list[str]], levels: list[int]
) -> None:
    """Every request sends the answer's current ETag and expects 304."""
    for label, paths in targets.items():
        for level in levels:
            tags = etags(base, paths)  # fresh: tags change every five minutes
            if not tags:
                break
            result = run_load(base, paths, args.duration, level, tags)
            print(summary(f"{label} 304", result, level), flush=True)


def measure(args: argparse.Namespace, base: str, pid: int, cache: bool) -> None:
    """Every endpoint at every concurrency; with the cache on also revalidations and sizes."""
    levels = [int(c) for c in args.concurrency_levels.split(",")]
    targets = endpoints(args.strategies)
    for paths in targets.values():  # warm up: connections, imports, the cache
        for path in paths:
            httpx.get(base + path, timeout=60).raise_for_status()
    mode = "on" if cache else "off"
    print(f"cache {mode}")
    print("endpoint                     conc.    req/s   p50 ms   p99 ms   max ms    count errors")
    for label, paths in targets.items():
        for level in levels:
            result = run_load(base, paths, args.duration, level)
            print(summary(label, result, level, mode), flush=True)
    if cache:
        revalidations(args, base, targets, levels)
    print(rss(pid))
    if cache:
        print("\nanswer sizes")
        for label, paths in targets.items():
            print(f"{label:<28} {wire(base, paths[0])}")
    print()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", help=f"Postgres server URL (default ${PG_ENV})")
    parser.add_argument("--strategies", type=int, default=500)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per level")
    parser.add_argument("--concurrency", dest="concurrency_levels", default="1,8")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    parser.add_argument("--tags", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        args.concurrency = int(args.concurrency_levels)
    return args


if __name__ == "__main__":
    main()
