"""`stratops api`: serve the read API and the dashboard."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stratops.core.errors import UserError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this component's subcommands to the `stratops` parser."""
    parser = subparsers.add_parser(
        "api",
        help="serve the read-only API and the dashboard",
        description=(
            "Serve the read-only HTTP API and the comparison dashboard. Settings not given "
            "as flags come from STRATOPS_API_* variables (STRATOPS_API_DB_URL, "
            "falling back to STRATOPS_DB_URL). On Postgres, connect as a member of the "
            "stratops_readonly role."
        ),
    )
    parser.add_argument(
        "--db", metavar="URL", help="database URL (sqlite:///PATH or postgresql://...)"
    )
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    parser.add_argument(
        "--dashboards-dir", type=Path, metavar="DIR", help="folder of legacy dashboard_<class>.csv"
    )
    parser.add_argument(
        "--allow-writable-user",
        action="store_true",
        default=None,
        help="start even if the database user may write (local experiments only)",
    )
    parser.set_defaults(handler=_serve)


def build_settings(args: argparse.Namespace) -> Any:
    """Flags win over the environment; a bad or missing value is one UserError line."""
    from stratops.api.settings import ApiSettings

    given = {
        "db_url": args.db,
        "host": args.host,
        "port": args.port,
        "dashboards_dir": args.dashboards_dir,
        "allow_writable_user": args.allow_writable_user,
    }
    try:
        return ApiSettings(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "settings"
            hint = " (pass --db URL or set STRATOPS_API_DB_URL)" if field == "db_url" else ""
            problems.append(f"{field}: {error['msg']}{hint}")
        raise UserError("; ".join(problems)) from None


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from stratops.api.app import create_app
    from stratops.api.database import check_read_only, create_readonly_engine
    from stratops.core.db.engine import describe

    settings = build_settings(args)
    url = settings.db_url.get_secret_value()
    if not settings.allow_writable_user:
        probe = create_readonly_engine(url)
        try:
            note = check_read_only(probe)
        finally:
            probe.dispose()
        if note:
            print(f"stratops api: {note}; /readyz reports it until then", file=sys.stderr)
    app = create_app(settings)
    print(f"stratops api: reading {describe(url)}; serving http://{settings.host}:{settings.port}/")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return 0
