"""One audit event per call: the success row is written in the call's own transaction, and a call that fails
after committing (a wrong code counted as an attempt) settles that same row as a failure.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ux_audit_events_request", "audit_events", ["request_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_audit_events_request", table_name="audit_events")
