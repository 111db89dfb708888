"""RAM custom policies with versions; attachments name a system or custom policy instead of holding a document.

Every document attached before becomes a custom policy of the principal's account, ``inline-<user or role
name>-<n>`` (characters a policy name cannot hold become ``-``; ``n`` the first number free in the account), with
that document as its version ``v1``, and stays attached. The downgrade puts the default version's document back on
each attachment of a custom policy.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_NOT_IN_A_POLICY_NAME = re.compile(r"[^A-Za-z0-9-]")


def upgrade() -> None:
    op.create_table(
        "ram_policies",
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.String(1024), nullable=False),
        sa.Column("default_version", sa.Integer(), nullable=False),
        sa.Column("next_version", sa.Integer(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name="fk_ram_policies_account_id_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", "name", name="pk_ram_policies"),
    )
    op.create_table(
        "ram_policy_versions",
        sa.Column("account_id", sa.String(16), nullable=False),
        sa.Column("policy_name", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id", "policy_name"],
            ["ram_policies.account_id", "ram_policies.name"],
            name="fk_ram_policy_versions_account_id_ram_policies",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "policy_name", "version", name="pk_ram_policy_versions"),
    )
    with op.batch_alter_table("policy_attachments") as batch:
        batch.add_column(sa.Column("account_id", sa.String(16), nullable=True))
        batch.add_column(sa.Column("policy_type", sa.String(8), nullable=True))
        batch.add_column(sa.Column("attached_ms", sa.BigInteger(), nullable=True))
    _move_documents_into_policies(op.get_bind())
    with op.batch_alter_table("policy_attachments") as batch:
        batch.drop_column("document")
        batch.alter_column("account_id", existing_type=sa.String(16), nullable=False)
        batch.alter_column("policy_type", existing_type=sa.String(8), nullable=False)
        batch.alter_column("policy_name", existing_type=sa.String(128), nullable=False)
        batch.alter_column("attached_ms", existing_type=sa.BigInteger(), nullable=False)
        batch.create_index("ix_policy_attachments_policy", ["account_id", "policy_type", "policy_name"])
        batch.create_unique_constraint(
            "uq_policy_attachments_entry",
            ["principal_type", "principal_id", "policy_type", "policy_name"],
        )


def _move_documents_into_policies(conn: sa.Connection) -> None:
    rows = conn.execute(
        sa.text(
            "SELECT a.id, a.principal_type, a.policy_name, a.document, p.account_id, p.name, acc.created_ms "
            "FROM policy_attachments a "
            "JOIN (SELECT 'user' AS kind, user_id AS id, account_id, name FROM ram_users "
            "      UNION ALL SELECT 'role', role_id, account_id, name FROM ram_roles) p "
            "  ON p.kind = a.principal_type AND p.id = a.principal_id "
            "JOIN accounts acc ON acc.account_id = p.account_id ORDER BY a.id"
        )
    ).all()
    taken: set[tuple[str, str]] = set()
    for row in rows:
        if row.document is None:
            conn.execute(
                sa.text(
                    "UPDATE policy_attachments SET policy_type = 'System', account_id = :account, attached_ms = :at "
                    "WHERE id = :id"
                ),
                {"account": row.account_id, "at": row.created_ms, "id": row.id},
            )
            continue
        stem = "inline-" + _NOT_IN_A_POLICY_NAME.sub("-", row.name)
        number = 1
        while (row.account_id, f"{stem}-{number}") in taken:
            number += 1
        name = f"{stem}-{number}"
        taken.add((row.account_id, name))
        values = {"account": row.account_id, "name": name, "document": row.document, "at": row.created_ms}
        conn.execute(
            sa.text(
                "INSERT INTO ram_policies (account_id, name, description, default_version, next_version, created_ms, "
                "updated_ms) VALUES (:account, :name, '', 1, 2, :at, :at)"
            ),
            values,
        )
        conn.execute(
            sa.text(
                "INSERT INTO ram_policy_versions (account_id, policy_name, version, document, created_ms) "
                "VALUES (:account, :name, 1, :document, :at)"
            ),
            values,
        )
        conn.execute(
            sa.text(
                "UPDATE policy_attachments SET policy_type = 'Custom', policy_name = :name, account_id = :account, "
                "attached_ms = :at WHERE id = :id"
            ),
            values | {"id": row.id},
        )
    conn.execute(sa.text("DELETE FROM policy_attachments WHERE account_id IS NULL"))  # of no user or role


def downgrade() -> None:
    with op.batch_alter_table("policy_attachments") as batch:
        batch.drop_constraint("uq_policy_attachments_entry")
        batch.drop_index("ix_policy_attachments_policy")
        batch.add_column(sa.Column("document", sa.Text(), nullable=True))
        batch.alter_column("policy_name", existing_type=sa.String(128), nullable=True)
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "UPDATE policy_attachments SET document = (SELECT v.document FROM ram_policies p "
            "JOIN ram_policy_versions v ON v.account_id = p.account_id AND v.policy_name = p.name "
            "AND v.version = p.default_version "
            "WHERE p.account_id = policy_attachments.account_id AND p.name = policy_attachments.policy_name), "
            "policy_name = NULL WHERE policy_type = 'Custom'"
        )
    )
    conn.execute(sa.text("DELETE FROM policy_attachments WHERE principal_type NOT IN ('user', 'role')"))
    with op.batch_alter_table("policy_attachments") as batch:
        batch.drop_column("attached_ms")
        batch.drop_column("policy_type")
        batch.drop_column("account_id")
    op.drop_table("ram_policy_versions")
    op.drop_table("ram_policies")
