"""Every reader names the same primary, by the election's rule (SQLite and Postgres).

Each namespace's election flags at most one `strategy_configs` row; a reader
that looks at every namespace at once (the API's default strategy) or a
table edited by hand can see several. Then the rule the operator applies
after a start decides, for every reader alike: a flagged row whose spec
still claims `primary` wins, then the first by strategy_id. The order in
which rows were configured plays no part.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine

from stratops.api.queries import primary_id
from stratops.core.db import UnitOfWork
from stratops.core.db.strategy_configs import config_row, current_primary, upsert_config

pytestmark = pytest.mark.db


def configure(url: str, sid: str, namespace: str, *, claims: bool, flagged: bool) -> None:
    spec = {"strategyId": sid, "strategyClass": "Hierarchical_Adaptive_v3_5b", "primary": claims}
    row = config_row(
        strategy_id=sid, name=sid.replace("_", "-"), namespace=namespace, spec=spec,
        generation=1, active=True, effective_primary=flagged,
    )  # fmt: skip
    engine = create_engine(url)
    with UnitOfWork(engine) as session:
        upsert_config(session, sid, row)
    engine.dispose()
    time.sleep(0.01)  # distinct created_at: configuration order must not matter


def primaries(url: str) -> tuple[str | None, str | None, str | None]:
    engine = create_engine(url)
    with UnitOfWork(engine) as session:
        found = primary_id(session), current_primary(session, "a"), current_primary(session, "b")
    engine.dispose()
    return found


def test_two_namespaces_each_with_a_primary_the_first_by_id_is_shown(
    migrated_db_url: str,
) -> None:
    configure(migrated_db_url, "z_first_configured", "a", claims=True, flagged=True)
    configure(migrated_db_url, "b_later", "b", claims=True, flagged=True)
    assert primaries(migrated_db_url) == ("b_later", "z_first_configured", "b_later")


def test_a_flagged_row_that_still_claims_wins_over_one_that_no_longer_does(
    migrated_db_url: str,
) -> None:
    configure(migrated_db_url, "a_released", "a", claims=False, flagged=True)
    configure(migrated_db_url, "z_claiming", "b", claims=True, flagged=True)
    assert primaries(migrated_db_url)[0] == "z_claiming"


def test_no_flagged_row_no_primary(migrated_db_url: str) -> None:
    configure(migrated_db_url, "v3_5d", "a", claims=True, flagged=False)
    assert primaries(migrated_db_url) == (None, None, None)
