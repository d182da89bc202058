"""Running a job once: claim its slot, run it, record how it ended.

    execute(app, job, slot, trigger="schedule", worker="serve:host:4242")  # → the run, or None

The claim commits before the job starts, so of any number of runners (threads,
`baomat worker` processes) that reach the same slot, exactly one runs it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Iterable
from dataclasses import replace

from baomat.domain.errors import Conflict
from baomat.jobs.job import Context, Job, Outcome
from baomat.store.job_runs import JobRun

log = logging.getLogger(__name__)

KEEP_RUNS = 1000
"""Runs kept per scheduled job, counted in periods: ~3 years of a daily job, ~16 hours of
a job each minute. Older finished runs are deleted when a run ends."""


def worker_name(role: str) -> str:
    """`serve`, `worker` or `cli` → `role:host:pid`, which runs say ran them."""
    return f"{role}:{socket.gethostname()}:{os.getpid()}"


def execute(
    ctx: Context, job: Job, scheduled_for: dt.datetime, *, trigger: str, worker: str
) -> JobRun | None:
    """Claims (job, slot) and runs it → the finished run, or None when it was claimed already.

    A job that raises is recorded as failed with the class of the error; the
    error is logged, not raised: a runner goes on with the next job. A failed
    run is not retried for its slot; the next slot runs as usual.
    """
    run = JobRun(job.name, scheduled_for, trigger, worker, "running", ctx.clock())
    with ctx.uow() as uow:
        claimed = uow.job_runs.claim(run)
        uow.commit()
    if not claimed:
        return None
    try:
        outcome = job.run(ctx)
    except Exception as exc:
        log.exception("job %s (slot %s) failed", job.name, scheduled_for.isoformat())
        outcome = Outcome(failures=(type(exc).__name__,))
    done = replace(
        run,
        state="failed" if outcome.failures else "done",
        finished_at=ctx.clock(),
        counts=dict(outcome.counts),
        error="; ".join(outcome.failures) or None,
    )
    with ctx.uow() as uow:
        uow.job_runs.finish(done)
        if job.schedule is not None:
            # Frequent jobs (the email sender, each minute) would grow the table without end.
            uow.job_runs.prune(job.name, scheduled_for - job.schedule.period * KEEP_RUNS)
        uow.commit()
    return done


def due(ctx: Context, jobs: Iterable[Job], now: dt.datetime) -> list[tuple[Job, dt.datetime]]:
    """Each scheduled job whose latest slot at `now` has no run yet, with that slot."""
    pending = [(job, job.schedule.latest(now)) for job in jobs if job.schedule is not None]
    with ctx.uow(read_only=True) as uow:
        return [(job, slot) for job, slot in pending if uow.job_runs.get(job.name, slot) is None]


def run_now(ctx: Context, job: Job, *, worker: str) -> JobRun:
    """Runs `job` at once, whatever its schedule: a manual run, its slot the time it starts."""
    started = ctx.clock()
    run = execute(ctx, job, started, trigger="manual", worker=worker)
    if run is None:  # another run of it was started for this very microsecond
        raise Conflict(f"job {job.name} already has a run at {started.isoformat()}")
    return run
