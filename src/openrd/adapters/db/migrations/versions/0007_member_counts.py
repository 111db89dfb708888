"""Member counts kept by the database: ``member_count`` on each directory and each folder, maintained by triggers
on ``members``, so a ListAccounts page reads its TotalCount from one row instead of counting the directory's
members (an index scan that grew with the directory).

Triggers, not application code: every way a member row comes or goes (the API, the control API's reset, bulk
loads such as the benchmark's) keeps the counts right. On PostgreSQL a trigger locks the directory's row first,
so writers of one directory's members queue there, in one order.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COUNTED = {"resource_directories": "directory_id", "folders": "folder_id"}

# OLD leaves its directory and folder, NEW joins its own; an update that moves nothing is filtered out by WHEN.
_LEAVE = """
    UPDATE resource_directories SET member_count = member_count - 1 WHERE directory_id = OLD.directory_id;
    UPDATE folders SET member_count = member_count - 1 WHERE folder_id = OLD.folder_id;"""
_JOIN = """
    UPDATE resource_directories SET member_count = member_count + 1 WHERE directory_id = NEW.directory_id;
    UPDATE folders SET member_count = member_count + 1 WHERE folder_id = NEW.folder_id;"""

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER members_count_insert AFTER INSERT ON members BEGIN {_JOIN} END",
    f"CREATE TRIGGER members_count_delete AFTER DELETE ON members BEGIN {_LEAVE} END",
    "CREATE TRIGGER members_count_update AFTER UPDATE OF directory_id, folder_id ON members"
    " WHEN OLD.directory_id IS NOT NEW.directory_id OR OLD.folder_id IS NOT NEW.folder_id"
    f" BEGIN {_LEAVE} {_JOIN} END",
]
POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION openrd_count_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN {_LEAVE}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN {_JOIN}
  END IF;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER members_count_change AFTER INSERT OR DELETE ON members"
    " FOR EACH ROW EXECUTE FUNCTION openrd_count_members()",
    "CREATE TRIGGER members_count_update AFTER UPDATE OF directory_id, folder_id ON members FOR EACH ROW"
    " WHEN (OLD.directory_id IS DISTINCT FROM NEW.directory_id OR OLD.folder_id IS DISTINCT FROM NEW.folder_id)"
    " EXECUTE FUNCTION openrd_count_members()",
]


def upgrade() -> None:
    for table, key in COUNTED.items():
        op.add_column(table, sa.Column("member_count", sa.BigInteger(), nullable=False, server_default="0"))
        counted = f"(SELECT count(*) FROM members WHERE members.{key} = {table}.{key})"  # noqa: S608 - constants
        op.execute(f"UPDATE {table} SET member_count = {counted}")  # noqa: S608
    triggers = POSTGRESQL_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER members_count_update ON members")
        op.execute("DROP TRIGGER members_count_change ON members")
        op.execute("DROP FUNCTION openrd_count_members()")
    else:
        for name in ("members_count_insert", "members_count_delete", "members_count_update"):
            op.execute(f"DROP TRIGGER {name}")
    for table in COUNTED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("member_count")
