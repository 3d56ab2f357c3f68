"""A read-only role for the API (Postgres only; nothing to do on SQLite).

`stratops_readonly` is a NOLOGIN role with SELECT on every table of the
current schema, now and in future (default privileges of the role that runs
migrations). The API logs in as its own user that is a member of it
(`GRANT stratops_readonly TO <api user>`), so "read-only" is enforced by the
database, not promised by the code.

Roles are cluster-wide while migrations run per database, so both directions
are idempotent: the role is created only if missing, and the downgrade drops
it only when no other database still grants it anything.

If the migrating user may not create roles, create the role once beforehand
(`CREATE ROLE stratops_readonly NOLOGIN`); this migration then only grants.

Revision ID: 0004
Revises: 0000
Create Date: 2026-02-01
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0000"
branch_labels = None
depends_on = None

ROLE = "stratops_readonly"

CREATE_ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN
        CREATE ROLE {ROLE} NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object THEN
    NULL;  -- created concurrently by a migration of another database
END
$$
"""

GRANT = f"""
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO {ROLE}', current_schema());
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO {ROLE}', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO {ROLE}',
                   current_schema());
END
$$
"""

REVOKE = f"""
DO $$
BEGIN
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE SELECT ON TABLES FROM {ROLE}',
                   current_schema());
    EXECUTE format('REVOKE SELECT ON ALL TABLES IN SCHEMA %I FROM {ROLE}', current_schema());
    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM {ROLE}', current_schema());
END
$$
"""

DROP_ROLE_IF_UNUSED = f"""
DO $$
BEGIN
    DROP ROLE IF EXISTS {ROLE};
EXCEPTION WHEN dependent_objects_still_exist THEN
    NULL;  -- still granted something in another database of the cluster
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CREATE_ROLE)
    op.execute(GRANT)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(REVOKE)
    op.execute(DROP_ROLE_IF_UNUSED)
