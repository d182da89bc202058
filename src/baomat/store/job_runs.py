"""Runs of background jobs: one row per job and slot, claimed before the job starts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from baomat.store.tables import job_runs


@dataclass(frozen=True, slots=True)
class JobRun:
    job: str
    scheduled_for: dt.datetime
    trigger: str
    """`schedule` or `manual`."""
    worker: str
    state: str
    """`running`, `done` or `failed`."""
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None


class JobRunRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def claim(self, run: JobRun) -> bool:
        """Records `run` as started → False when that job's slot was claimed already.

        The primary key (job, slot) decides: of two workers claiming the same
        slot, exactly one inserts; the other's insert does nothing (PostgreSQL
        waits for the first transaction to end; SQLite has one writer at a time).
        """
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        result = self.conn.execute(
            dialect.insert(job_runs)
            .values(
                job=run.job,
                scheduled_for=run.scheduled_for,
                trigger=run.trigger,
                worker=run.worker,
                state=run.state,
                started_at=run.started_at,
                counts=json.dumps(run.counts, sort_keys=True),
            )
            .on_conflict_do_nothing()
            .returning(job_runs.c.job)
        )
        return result.first() is not None

    def finish(self, run: JobRun) -> None:
        """Stores the end of a claimed run: its state, time, counts and error."""
        c = job_runs.c
        self.conn.execute(
            update(job_runs)
            .where(c.job == run.job, c.scheduled_for == run.scheduled_for)
            .values(
                state=run.state,
                finished_at=run.finished_at,
                counts=json.dumps(run.counts, sort_keys=True),
                error=run.error,
            )
        )

    def prune(self, job: str, before: dt.datetime) -> int:
        """Deletes the job's finished runs of slots before `before` → how many."""
        c = job_runs.c
        result = self.conn.execute(
            delete(job_runs).where(c.job == job, c.scheduled_for < before, c.state != "running")
        )
        return int(result.rowcount)

    def get(self, job: str, scheduled_for: dt.datetime) -> JobRun | None:
        c = job_runs.c
        rows = self._select().where(c.job == job, c.scheduled_for == scheduled_for)
        row = self.conn.execute(rows).first()
        return None if row is None else _run(row)

    def recent(self, limit: int, job: str | None = None) -> list[JobRun]:
        """The latest runs, newest first; of one job when named."""
        c = job_runs.c
        query = self._select().order_by(c.started_at.desc(), c.job).limit(limit)
        if job is not None:
            query = query.where(c.job == job)
        return [_run(row) for row in self.conn.execute(query)]

    @staticmethod
    def _select() -> Select[Any]:
        c = job_runs.c
        return select(
            c.job, c.scheduled_for, c.trigger, c.worker, c.state,
            c.started_at, c.finished_at, c.counts, c.error,
        )  # fmt: skip


def _run(row: Sequence[Any]) -> JobRun:
    job, scheduled_for, trigger, worker, state, started, finished, counts, error = row
    return JobRun(
        job, scheduled_for, trigger, worker, state, started, finished, json.loads(counts), error
    )
