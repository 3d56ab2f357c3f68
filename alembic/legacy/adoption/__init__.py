"""Adopting the legacy engine's database in place, and rolling the adoption back.

`stratops db upgrade` recognises a legacy database by its `alembic_version`
row (`revisions`) and, in the one transaction that also runs the stratops
migrations, moves the legacy `performance_snapshots` table aside, tags the
legacy ledger rows with their strategy (`layout`), and fills the stratops
ledger from them (`transfer`, with the pure rules in `ledger`). What it
changed is recorded in the database itself (`record`), so that `stratops db
downgrade legacy` (`steps.roll_back`) can restore the exact legacy shape and
revision.
"""

from stratops.migrations.legacy.adoption.revisions import LEGACY_REVISIONS, legacy_revision
from stratops.migrations.legacy.adoption.steps import adopt, after_upgrade, is_adopted, roll_back

__all__ = [
    "LEGACY_REVISIONS",
    "adopt",
    "after_upgrade",
    "is_adopted",
    "legacy_revision",
    "roll_back",
]
