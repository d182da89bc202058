"""add service_locks: a subject's service locked by staff for a violation of the terms of use

Revision ID: 8d4b2f6a9c31
Revises: 6c2e8a4f1b37
Create Date: 2026-11-27 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d4b2f6a9c31"
down_revision: str | None = "6c2e8a4f1b37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_locks",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("violation", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.LargeBinary(), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_by", sa.String(length=128), nullable=False),
        sa.Column("unlocked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unlocked_by", sa.String(length=128), nullable=True),
        sa.Column("unlock_note", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "subject_id"],
            ["subjects.tenant_id", "subjects.id"],
            name=op.f("fk_service_locks_tenant_id_subjects"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_service_locks")),
    )
    with op.batch_alter_table("service_locks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_locks_subject", ["tenant_id", "subject_id", "unlocked_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("service_locks", schema=None) as batch_op:
        batch_op.drop_index("ix_service_locks_subject")
    op.drop_table("service_locks")
