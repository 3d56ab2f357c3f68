"""`stratops db upgrade|downgrade|current|stamp`: manage the schema with the migrations.

Thin: the work, including adopting a legacy database and rolling it back, is
in `stratops.core.db.migrate`.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from stratops.core.db import engine as db_engine
from stratops.core.db import migrate
from stratops.core.errors import UserError

DB_URL_ENV = "STRATOPS_DB_URL"
Handler = Callable[[argparse.Namespace], int]
Step = Callable[[str, str], None]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "db",
        help="migrate the database schema",
        description="Apply, revert and inspect the database migrations (Alembic).",
    )
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    upgrade = _action(actions, "upgrade", "migrate up to REVISION (default: head)", UPGRADE_DETAILS)
    upgrade.add_argument("revision", nargs="?", default="head", metavar="REVISION")
    upgrade.set_defaults(handler=_applying(migrate.upgrade))
    downgrade = _action(
        actions, "downgrade", "migrate down to REVISION (an id, -1, base or legacy)", LEGACY_DETAILS
    )
    downgrade.add_argument("revision", metavar="REVISION")
    downgrade.add_argument(
        "--discard-later-rows",
        action="store_true",
        help="with `legacy`: drop the rows stratops wrote after the adoption (refused otherwise)",
    )
    downgrade.set_defaults(handler=_downgrading)
    stamp = _action(actions, "stamp", "record REVISION without migrating")
    stamp.add_argument("revision", metavar="REVISION")
    stamp.set_defaults(handler=_applying(migrate.stamp))
    current = _action(actions, "current", "print the current revision and whether it is head")
    current.set_defaults(handler=_current)


UPGRADE_DETAILS = (
    "A database of the legacy engine (alembic_version 20260117_0001 to 20260123_0001) is "
    "adopted in the same transaction: its rows stay, rows without a strategy_id become "
    "v3_5b, and its history appears in the stratops ledger. A failure changes nothing."
)
LEGACY_DETAILS = (
    "`legacy` rolls an adopted legacy database back: the legacy tables, rows, values and "
    "alembic_version exactly as before the adoption, the stratops tables dropped. Rows that "
    "stratops wrote after the adoption (runs, trades, snapshots of any strategy, v3_5b "
    "included, failures, primary changes) have no place there: the rollback refuses while "
    "they exist, unless --discard-later-rows is given, which drops them. Strategy "
    "configurations and backtests are dropped either way (they are re-created from the "
    "manifests)."
)


def _action(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    details: str = "",
) -> argparse.ArgumentParser:
    parser = actions.add_parser(
        name,
        help=summary,
        description=" ".join([summary[0].upper() + summary[1:] + ".", details]).strip(),
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"database URL (sqlite:///PATH or postgresql://...); default: ${DB_URL_ENV}",
    )
    return parser


def _db_url(args: argparse.Namespace) -> str:
    # The one setting this command needs; read here so that --db can override it.
    url: str | None = args.db or os.environ.get(DB_URL_ENV)
    if not url:
        raise UserError(f"no database given: pass --db URL or set {DB_URL_ENV}")
    return url


def _applying(step: Step) -> Handler:
    """A handler that runs one migration command, then says where the database stands."""

    def handler(args: argparse.Namespace) -> int:
        url = _db_url(args)
        step(url, args.revision)
        print(f"{db_engine.describe(url)}: {_position(url)}")
        return 0

    return handler


def _downgrading(args: argparse.Namespace) -> int:
    url = _db_url(args)
    migrate.downgrade(url, args.revision, discard_later_rows=args.discard_later_rows)
    print(f"{db_engine.describe(url)}: {_position(url)}")
    return 0


def _current(args: argparse.Namespace) -> int:
    print(_position(_db_url(args)))
    return 0


def _position(url: str) -> str:
    """`0004 (head)`, `0000 (head is 0004)`, `none (not migrated; head is 0004)` or
    `20260123_0001 (legacy engine; ...)`."""
    legacy = migrate.legacy_revision(url)
    if legacy is not None:
        return f"{legacy} (legacy engine; `stratops db upgrade` adopts it)"
    current, head = migrate.current_revision(url), migrate.head_revision()
    if current == head:
        return f"{current} (head)"
    if current is None:
        return f"none (not migrated; head is {head})"
    return f"{current} (head is {head})"
