"""add monitor_marks: where monitoring's next sweep of each tenant's audit chain starts

Revision ID: 6c2e8a4f1b37
Revises: 3f7a2c9d5e18
Create Date: 2026-11-26 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6c2e8a4f1b37"
down_revision: str | None = "3f7a2c9d5e18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "monitor_marks",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("seen_seq", sa.BigInteger(), nullable=False),
        sa.Column("from_seq", sa.BigInteger(), nullable=False),
        sa.Column("swept_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id"),
    )


def downgrade() -> None:
    op.drop_table("monitor_marks")
