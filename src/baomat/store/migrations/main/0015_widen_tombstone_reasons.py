"""widen tombstones.reason to 128 characters: `retention:<rule id>` runs to 74

Revision ID: 1b78ad6d2df2
Revises: 8d4b2f6a9c31
Create Date: 2026-11-28 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1b78ad6d2df2"
down_revision: str | None = "8d4b2f6a9c31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A batch copy on SQLite: `tombstones` is referenced by no other table.
    with op.batch_alter_table("tombstones", schema=None) as batch_op:
        batch_op.alter_column(
            "reason",
            existing_type=sa.String(length=64),
            type_=sa.String(length=128),
            existing_nullable=False,
        )


def downgrade() -> None:
    # A reason past 64 characters is cut to fit, as the old column can hold no more.
    with op.batch_alter_table("tombstones", schema=None) as batch_op:
        batch_op.alter_column(
            "reason",
            existing_type=sa.String(length=128),
            type_=sa.String(length=64),
            existing_nullable=False,
            postgresql_using="left(reason, 64)",
        )
