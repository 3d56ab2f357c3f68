"""`stratops operator`: run the kopf operator that reconciles TradingStrategy resources.

One active replica at a time. By default kopf's peering (the `KopfPeering`
resource named by `--peering`) lets a second replica wait instead of acting;
`--standalone` skips peering for a single replica (Deployment strategy
`Recreate`) or a developer's run.
"""

from __future__ import annotations

import argparse
import logging


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this component's subcommands to the `stratops` parser."""
    parser = subparsers.add_parser(
        "operator",
        help="run the Kubernetes operator",
        description=(
            "Reconcile TradingStrategy resources into runner CronJobs, state ConfigMaps, "
            "RBAC and the shared market-data job. Settings come from STRATOPS_OPERATOR_* "
            "environment variables and STRATOPS_DB_URL; flags override them."
        ),
    )
    parser.add_argument("--namespace", metavar="NS", help="watch only NS (default: all)")
    peering = parser.add_mutually_exclusive_group()
    peering.add_argument(
        "--standalone", action="store_true", help="no peering: this is the only replica"
    )
    peering.add_argument(
        "--peering", metavar="NAME", help="kopf peering object name (default: kopf's own)"
    )
    parser.add_argument(
        "--liveness-port", type=int, metavar="PORT", help="serve /healthz on this port"
    )
    parser.add_argument(
        "--metrics-port",
        type=int,
        metavar="PORT",
        help="serve Prometheus /metrics on this port (default 8081; 0 turns it off)",
    )
    parser.add_argument("--image", help="image of runner and market-data pods")
    parser.add_argument("--verbose", action="store_true", help="log kopf's debug messages")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build settings and context, register the handlers, run kopf until stopped."""
    import kopf

    from stratops.core.db import create_engine_for
    from stratops.core.logs import keep_only_ours
    from stratops.operator import kopf_handlers, observe, prometheus  # registers the handlers
    from stratops.operator.context import Context
    from stratops.operator.settings import load_settings

    settings = load_settings(
        namespace=args.namespace,
        liveness_port=args.liveness_port,
        metrics_port=args.metrics_port,
        image=args.image,
    )
    ctx = Context(settings=settings, engine=create_engine_for(settings.db_url))
    liveness = (
        f"http://0.0.0.0:{settings.liveness_port}/healthz" if settings.liveness_port else None
    )
    kopf.configure(verbose=args.verbose)
    keep_only_ours()  # kopf adds its own root handler; one line per record, in our format
    observe.register(kopf_handlers.registry(), settings)
    if settings.metrics_port:
        prometheus.serve(settings.metrics_port)
    for name in ("httpx", "httpx2"):
        logging.getLogger(name).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    kopf.run(
        # All of a cause's handlers in one handling cycle. kopf's default runs one
        # handler per cycle and patches its progress in between, so a new resource
        # cost a patch, a watch event and a wait for consistency per handler.
        lifecycle=kopf.lifecycles.all_at_once,
        registry=kopf_handlers.registry(),
        standalone=args.standalone or None,
        peering_name=args.peering,
        namespaces=[settings.namespace] if settings.namespace else (),
        clusterwide=settings.namespace is None,
        liveness_endpoint=liveness,
        memo=kopf.Memo(ctx=ctx),
    )
    return 0
