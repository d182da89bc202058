"""On PostgreSQL: the jobs on procrastinate's queue, worked by `baomat worker` processes.

    run_worker(app, catalog(settings).values(), settings.store_url(), worker=worker_name("worker"))

Each scheduled job is a procrastinate task with a periodic (cron) schedule.
Every worker defers each slot as it comes; procrastinate lets one deferral per
task and slot into the queue (a unique key on its periodic defers), and hands
each queued job to one worker (`FOR UPDATE SKIP LOCKED`). `runs.execute` then
claims the slot in `job_runs` too, so that a slot deferred twice, or also run
by hand, still runs once. The queue's tables come with migration 0007.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import procrastinate
from sqlalchemy.engine import make_url

from baomat.jobs.job import Context, Job
from baomat.jobs.runs import execute

QUEUE = "baomat"


def conninfo(store_url: str) -> str:
    """`postgresql+psycopg://u@h/db?options=…` → `postgresql://u@h/db?options=…` for psycopg."""
    return make_url(store_url).set(drivername="postgresql").render_as_string(hide_password=False)


def build(
    ctx: Context, jobs: Iterable[Job], store_url: str, *, worker: str, concurrency: int = 1
) -> procrastinate.App:
    """The procrastinate App with a task and a periodic schedule per scheduled job; not opened."""
    scheduled = [job for job in jobs if job.schedule is not None]
    longest = max((job.schedule.period for job in scheduled if job.schedule), default=None)
    queue = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=conninfo(store_url), min_size=1, max_size=concurrency + 3
        ),
        # A worker that starts defers each job's latest slot if no worker did,
        # however long ago within one period: a missed 02:00 is caught up once,
        # as on the embedded store. Older slots are skipped.
        periodic_defaults={"max_delay": longest.total_seconds() if longest else 600},
        worker_defaults={
            "queues": [QUEUE],
            "name": worker,
            "concurrency": concurrency,
            # The queue's rows are only the means; `job_runs` is the record.
            "delete_jobs": "successful",
        },
    )
    for job in scheduled:
        _add(queue, ctx, job, worker)
    return queue


def _add(queue: procrastinate.App, ctx: Context, job: Job, worker: str) -> None:
    assert job.schedule is not None

    def run(timestamp: int) -> None:
        slot = dt.datetime.fromtimestamp(timestamp, dt.UTC)
        execute(ctx, job, slot, trigger="schedule", worker=worker)

    task = queue.task(name=f"baomat.{job.name}", queue=QUEUE)(run)
    queue.periodic(cron=job.schedule.cron(), periodic_id=job.name)(task)


def run_worker(
    ctx: Context, jobs: Iterable[Job], store_url: str, *, worker: str, concurrency: int = 1
) -> None:
    """Works the queue until SIGINT or SIGTERM, then lets running jobs finish and returns."""
    build(ctx, jobs, store_url, worker=worker, concurrency=concurrency).run_worker()
