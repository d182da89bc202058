"""add job runs and, on PostgreSQL, the job queue's schema

Revision ID: 50877be55407
Revises: 7c0b5e2a9d41
Create Date: 2026-11-23 02:30:00.000000

On PostgreSQL the background jobs run on procrastinate's queue, whose tables,
types and functions `0007_procrastinate_schema.sql` creates: procrastinate's
own `schema.sql`, unchanged, as of its migration 03.04.00_50 (the schema of
procrastinate 3.4 to 3.10). It is kept here rather than read from the
installed package so that this migration always builds the same schema; a
later procrastinate release that changes the schema gets a migration of its
own applying its files from `procrastinate/sql/migrations`
(docs/decisions/005-job-queue.md).
"""

from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision: str = "50877be55407"
down_revision: str | None = "7c0b5e2a9d41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_SCHEMA = Path(__file__).with_name("0007_procrastinate_schema.sql")
QUEUE_TYPES = ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type",
               "procrastinate_job_status")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("worker", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("job", "scheduled_for", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.create_index("ix_job_runs_started_at", ["started_at"], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # On the driver's connection, in this migration's transaction: the file holds
        # many statements and `%` signs, which a parameterised execute would misread.
        bind.connection.driver_connection.execute(QUEUE_SCHEMA.read_text(encoding="utf-8"))  # type: ignore[union-attr]


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in ("procrastinate_events", "procrastinate_periodic_defers",
                      "procrastinate_jobs", "procrastinate_workers"):  # fmt: skip
            op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        functions = bind.exec_driver_sql(
            "SELECT oid::regprocedure::text FROM pg_proc WHERE left(proname, 13) = 'procrastinate' "
            "AND pronamespace = current_schema()::regnamespace"
        ).scalars()
        for function in list(functions):
            op.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        for type_ in QUEUE_TYPES:
            op.execute(f"DROP TYPE IF EXISTS {type_} CASCADE")

    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_job_runs_started_at")

    op.drop_table("job_runs")
