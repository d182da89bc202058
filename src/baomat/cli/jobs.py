"""`baomat jobs list|run` and `baomat worker`: the background jobs, seen, run by hand, worked."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from baomat import bootstrap
from baomat.cli._common import plain_errors
from baomat.config import Settings
from baomat.domain.errors import NotFound
from baomat.domain.periods import vietnam_tz
from baomat.jobs.catalog import catalog
from baomat.jobs.runs import run_now, worker_name
from baomat.store.job_runs import JobRun

app = typer.Typer(
    help="See the background jobs and their runs, or run one now.", no_args_is_help=True
)


def _local(at: dt.datetime) -> str:
    return at.astimezone(vietnam_tz()).strftime("%Y-%m-%d %H:%M:%S%z")


def _line(run: JobRun) -> str:
    took = f" {(run.finished_at - run.started_at).total_seconds():.1f} s" if run.finished_at else ""
    counts = " ".join(f"{k}={v}" for k, v in sorted(run.counts.items()))
    error = f" error: {run.error}" if run.error else ""
    return (
        f"{_local(run.scheduled_for)} {run.job} {run.state} ({run.trigger}, {run.worker}){took}"
        f"{' ' + counts if counts else ''}{error}"
    )


@app.command("list")
@plain_errors
def list_(
    limit: Annotated[int, typer.Option(min=1, help="How many recent runs to show.")] = 20,
    job: Annotated[str | None, typer.Option(help="Only this job's runs.")] = None,
) -> None:
    """Show each job, when it runs next, and the latest runs (times in Vietnam)."""
    settings = Settings()
    app_ = bootstrap.build(settings)
    try:
        now = app_.clock()
        for name, item in catalog(settings).items():
            when = (
                f"{item.schedule.describe()}, next {_local(item.schedule.following(now))}"
                if item.schedule
                else "on demand"
            )
            typer.echo(f"{name}: {when}: {item.summary}")
        with app_.uow(read_only=True) as uow:
            runs = uow.job_runs.recent(limit, job)
    finally:
        app_.close()
    typer.echo(f"runs by {'`baomat serve`' if settings.embedded else '`baomat worker`'}:")
    for run in runs:
        typer.echo(_line(run))
    if not runs:
        typer.echo("no runs yet")


@app.command("run")
@plain_errors
def run(name: Annotated[str, typer.Argument(help="The job, e.g. retention.sweep.")]) -> None:
    """Run a job now, in this process, and print how it ended (exit 1 if it failed)."""
    settings = Settings()
    jobs = catalog(settings)
    if name not in jobs:
        raise NotFound(f"no job {name!r}; jobs: {', '.join(sorted(jobs))}")
    app_ = bootstrap.build(settings)
    try:
        done = run_now(app_, jobs[name], worker=worker_name("cli"))
    finally:
        app_.close()
    typer.echo(_line(done))
    if done.state != "done":
        raise typer.Exit(1)


@plain_errors
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Jobs run at once by this worker.")] = 1,
) -> None:
    """Work the job queue on PostgreSQL until stopped (SIGINT or SIGTERM)."""
    settings = Settings()
    if settings.embedded:
        typer.echo(
            "error: `baomat worker` needs PostgreSQL (BAOMAT_DATABASE_URL); on the embedded "
            "SQLite store, `baomat serve` runs the jobs itself",
            err=True,
        )
        raise typer.Exit(2)
    # Imported here: the queue library is needed on PostgreSQL only.
    from baomat.jobs.queue import run_worker

    app_ = bootstrap.build(settings)
    try:
        name = worker_name("worker")
        typer.echo(f"baomat worker {name}: jobs {', '.join(catalog(settings))}")
        run_worker(
            app_, catalog(settings).values(), settings.store_url(),
            worker=name, concurrency=concurrency,
        )  # fmt: skip
    finally:
        app_.close()
