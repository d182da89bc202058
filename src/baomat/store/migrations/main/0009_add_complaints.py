"""add complaints, their history, and alerts to staff

Revision ID: 1eb242ccdf2e
Revises: 50877be55407
Create Date: 2026-11-23 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1eb242ccdf2e"
down_revision: str | None = "50877be55407"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("complexity", sa.String(length=16), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("steps", sa.String(length=64), nullable=False),
        sa.Column("term_amount", sa.Integer(), nullable=True),
        sa.Column("term_unit", sa.String(length=16), nullable=True),
        sa.Column("term_source", sa.String(length=80), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_alert_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "subject_id"],
            ["subjects.tenant_id", "subjects.id"],
            name=op.f("fk_complaints_tenant_id_subjects"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index("ix_complaints_subject", ["tenant_id", "subject_id"], unique=False)
        batch_op.create_index(
            "ix_complaints_state_due", ["tenant_id", "state", "due"], unique=False
        )
        batch_op.create_index("ix_complaints_next_alert_at", ["next_alert_at"], unique=False)

    op.create_table(
        "complaint_events",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("complaint_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "complaint_id"],
            ["complaints.tenant_id", "complaints.id"],
            name=op.f("fk_complaint_events_tenant_id_complaints"),
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "complaint_id", "seq", name=op.f("pk_complaint_events")
        ),
    )

    op.create_table(
        "alerts",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=128), nullable=True),
        sa.Column("incident_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_raised_at", ["tenant_id", "raised_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_raised_at")
    op.drop_table("alerts")
    op.drop_table("complaint_events")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_next_alert_at")
        batch_op.drop_index("ix_complaints_state_due")
        batch_op.drop_index("ix_complaints_subject")
    op.drop_table("complaints")
