"""`stratops migrate-registry`: legacy registry, configs and state files -> manifests.

Writes `OUT/strategies/<name>.yaml` (TradingStrategy manifests, validated by
the resource model and the strategy class) and `OUT/state/<name>-state.yaml`
(state ConfigMaps in the runner's format), plus `OUT/migration-report.txt`,
which is also printed. Apply the ConfigMaps first, with `kubectl create` (it
refuses to overwrite a state that already exists), then the manifests: the
operator adopts an existing state ConfigMap and never overwrites it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from stratops.core.errors import UserError

if TYPE_CHECKING:
    from stratops.migrations.legacy import Migration, Note

REPORT = "migration-report.txt"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "migrate-registry",
        help="turn a legacy strategies_registry.yaml and state files into manifests",
        description=(
            "Convert the legacy engine's registry, per-strategy config files and "
            "state/strategies/<id>/state.json into TradingStrategy manifests and state "
            "ConfigMaps. Whatever has no place in stratops is reported, never dropped."
        ),
    )
    parser.add_argument("--registry", type=Path, required=True, metavar="FILE")
    parser.add_argument(
        "--state-root", type=Path, required=True, metavar="DIR",
        help="folder holding <strategy_id>/state.json",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--namespace", metavar="NS", help="namespace written into every object")
    parser.add_argument(
        "--db", metavar="URL", help="the legacy database: cash comes from its latest snapshots"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stratops.migrations.legacy import migrate
    from stratops.migrations.legacy.ledger import latest_snapshots
    from stratops.migrations.legacy.reading import gather, strategy_ids

    ledger = latest_snapshots(args.db, strategy_ids(args.registry)) if args.db else None
    sources, registry_notes = gather(args.registry, args.state_root, ledger)
    migrations = migrate(sources, args.namespace)
    write(args.out, migrations)
    report = report_text(migrations, registry_notes, args.out)
    (args.out / REPORT).write_text(report + "\n", encoding="utf-8")
    print(report)
    return 0


def write(out: Path, migrations: list[Migration]) -> None:
    """One file per object; refuses to replace files of an earlier run."""
    targets = {out / "strategies" / f"{m.name}.yaml": m.manifest for m in migrations}
    targets |= {out / "state" / f"{m.name}-state.yaml": m.configmap for m in migrations}
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        raise UserError(f"{existing[0]}: already exists; choose an empty --out")
    for path, doc in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def report_text(migrations: list[Migration], registry_notes: list[Note], out: Path) -> str:
    lines = [
        f"migrated {len(migrations)} strateg{'y' if len(migrations) == 1 else 'ies'} into {out}"
    ]
    for m in migrations:
        spec = m.manifest["spec"]
        role = "primary" if spec["primary"] else "secondary"
        lines.append(f"  {m.strategy_id}: {m.name}.yaml ({role}), state/{m.name}-state.yaml")
    notes = [*registry_notes, *(n for m in migrations for n in m.notes)]
    if notes:
        lines.append(f"{len(notes)} note(s): what was decided or not carried over")
        lines += [f"  {n.line()}" for n in notes]
    lines.append(
        "next: kubectl create -f state/ (never overwrites a state), then apply strategies/"
    )
    return "\n".join(lines)
