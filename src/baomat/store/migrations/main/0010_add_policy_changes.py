"""add policy changes and policy notices: what each version changed, and who was told

Revision ID: 4d1c7a9e2b60
Revises: 1eb242ccdf2e
Create Date: 2026-11-23 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4d1c7a9e2b60"
down_revision: str | None = "1eb242ccdf2e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "policy_changes",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_version", sa.Integer(), nullable=True),
        sa.Column("notice_mode", sa.String(length=32), nullable=True),
        sa.Column("material", sa.Boolean(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("consent_from", sa.Text(), nullable=False),
        sa.Column("notices", sa.String(length=16), nullable=False),
        sa.Column("notices_cursor", sa.String(length=64), nullable=True),
        sa.Column("notices_queued", sa.Integer(), nullable=False),
        sa.Column("consents_closed", sa.Integer(), nullable=False),
        sa.Column("notices_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "version"],
            ["policy_versions.tenant_id", "policy_versions.version"],
            name=op.f("fk_policy_changes_tenant_id_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "version", name=op.f("pk_policy_changes")),
    )
    with op.batch_alter_table("policy_changes", schema=None) as batch_op:
        batch_op.create_index("ix_policy_changes_notices", ["notices"], unique=False)
    op.create_table(
        "policy_notices",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shown_session", sa.String(length=32), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_how", sa.String(length=16), nullable=True),
        sa.Column("accepted_session", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "subject_id"],
            ["subjects.tenant_id", "subjects.id"],
            name=op.f("fk_policy_notices_tenant_id_subjects"),
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "subject_id", "version", name=op.f("pk_policy_notices")
        ),
    )


def downgrade() -> None:
    op.drop_table("policy_notices")
    with op.batch_alter_table("policy_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_policy_changes_notices")
    op.drop_table("policy_changes")
