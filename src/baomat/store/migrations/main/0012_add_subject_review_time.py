"""add subjects.reviewed_at: when staff last reviewed the need for a subject's data

Revision ID: 3f7a2c9d5e18
Revises: 9b3e61d0c7a4
Create Date: 2026-11-25 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f7a2c9d5e18"
down_revision: str | None = "9b3e61d0c7a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("subjects", sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN, on SQLite (3.35 and later) too: a batch copy of `subjects`
    # would drop the table its subjects' values, consents and requests point at.
    op.drop_column("subjects", "reviewed_at")
