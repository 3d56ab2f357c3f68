"""`stratops promote-check`: may the candidate become primary? Evidence from paper trading.

A promotion is one pull request that flips `spec.primary`; this command is the
check a CI job runs on that pull request. It compares the candidate with the
current primary over the paper-trading dates both have, with exactly the
logic of `/api/performance/compare` (`stratops.api.compare`), and applies a
policy:

* enough common dates (`--min-days`);
* the candidate's Sharpe ratio at least the current one's plus `--min-sharpe-delta`;
* its maximum drawdown at most `--max-drawdown-worse-pct` percentage points deeper;
* both ran on the same market data on every common date (the compare flag).

Limits are inclusive, within the compare module's 1e-9 tolerance, so a value
exactly at a limit passes. Exit 0: the candidate meets the policy; 1: it does
not (the report says why); 2: the check could not be made (unknown strategy,
unreadable database). The database is only read, through the API's read-only
engine.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from stratops.core.errors import UserError

if TYPE_CHECKING:
    from stratops.api.promotion import Policy
    from stratops.api.schemas import Comparison

EXIT_NOT_MET = 1
EXIT_CANNOT_CHECK = 2
# Defaults of the policy flags (the same as stratops.api.promotion.Policy's), here so that
# building the CLI parser does not import the analytics stack.
MIN_DAYS, MIN_SHARPE_DELTA, MAX_DRAWDOWN_WORSE_PCT = 60, 0.0, 2.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `promote-check` to the `stratops` parser."""
    parser = subparsers.add_parser(
        "promote-check",
        help="check whether a candidate strategy may become primary",
        description=(
            "Compare a candidate with the current primary over their common paper-trading "
            "dates (the compare endpoint's logic) and apply a promotion policy. Exit 0: the "
            "candidate meets it; 1: it does not (the report says why); 2: no check possible."
        ),
    )
    parser.add_argument("--candidate", required=True, metavar="ID", help="strategy to promote")
    parser.add_argument("--current", required=True, metavar="ID", help="the current primary")
    parser.add_argument("--db", required=True, metavar="URL", help="database URL (read only)")
    _policy_flags(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def _policy_flags(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add(
        "--min-days",
        type=int,
        default=MIN_DAYS,
        metavar="N",
        help="fewest common paper-trading dates (default %(default)s)",
    )
    add(
        "--min-sharpe-delta",
        type=float,
        default=MIN_SHARPE_DELTA,
        metavar="X",
        help="candidate Sharpe minus current Sharpe, at least (default %(default)s)",
    )
    add(
        "--max-drawdown-worse-pct",
        type=float,
        default=MAX_DRAWDOWN_WORSE_PCT,
        metavar="PP",
        help="percentage points the max drawdown may be deeper (default %(default)s)",
    )
    add(
        "--allow-data-mismatch",
        action="store_true",
        help="pass even if the two ran on different market data on some date",
    )
    add("--risk-free-rate", type=float, default=0.0, metavar="R",
        help="annual risk-free rate for the Sharpe ratio (default 0, as the API)")  # fmt: skip


def policy_of(args: argparse.Namespace) -> Policy:
    from stratops.api.promotion import Policy

    if args.min_days < 1:
        raise UserError("--min-days must be at least 1", EXIT_CANNOT_CHECK)
    return Policy(
        min_days=args.min_days,
        min_sharpe_delta=args.min_sharpe_delta,
        max_drawdown_worse_pct=args.max_drawdown_worse_pct,
        allow_data_mismatch=args.allow_data_mismatch,
    )


def load_comparison(url: str, current: str, candidate: str, rf: float) -> Comparison:
    """The compare endpoint's comparison of [current, candidate], read through the API's
    read-only engine; any failure to read is one line, exit 2."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return _compare(url, current, candidate, rf)
    except UserError as exc:
        raise UserError(str(exc), EXIT_CANNOT_CHECK) from None
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UserError(f"cannot read the database: {first}", EXIT_CANNOT_CHECK) from None


def _compare(url: str, current: str, candidate: str, rf: float) -> Comparison:
    from sqlalchemy.orm import Session

    from stratops.api import queries, series
    from stratops.api.compare import compare
    from stratops.api.database import create_readonly_engine

    engine = create_readonly_engine(url)
    try:
        with Session(engine) as session:
            for sid in (current, candidate):
                if not queries.is_known(session, sid):
                    raise UserError(f"unknown strategy {sid!r}")
            daily = series.daily_series(session, [current, candidate])
    finally:
        engine.dispose()
    return compare(daily, rf)


def run(args: argparse.Namespace) -> int:
    from stratops.api.promotion import evaluate, report_json, report_text

    if args.candidate == args.current:
        raise UserError("--candidate and --current must differ", EXIT_CANNOT_CHECK)
    policy = policy_of(args)
    comparison = load_comparison(args.db, args.current, args.candidate, args.risk_free_rate)
    verdict = evaluate(comparison, args.current, args.candidate, policy)
    print(json.dumps(report_json(verdict), sort_keys=True) if args.json else report_text(verdict))
    return 0 if verdict.passed else EXIT_NOT_MET
