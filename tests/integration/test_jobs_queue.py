"""On PostgreSQL: `baomat worker` processes share the queue, and no job runs twice."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from baomat.bootstrap import App
from baomat.config import Settings
from baomat.jobs import queue, runs
from baomat.jobs.job import Context, Job, Outcome
from baomat.jobs.schedule import Every
from baomat.store.job_runs import JobRun

pytestmark = pytest.mark.parametrize(
    "settings", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def _runs(app: App, job: str) -> list[JobRun]:
    with app.uow(read_only=True) as uow:
        return uow.job_runs.recent(1000, job)


@contextlib.contextmanager
def _worker(app: App, jobs: list[Job], name: str) -> Iterator[None]:
    """A worker in a thread of its own, with its own event loop and connection pool."""
    worker = queue.build(app, jobs, app.settings.store_url(), worker=name)
    stop = threading.Event()

    async def work() -> None:
        async with worker.open_async():
            task = asyncio.create_task(worker.run_worker_async(install_signal_handlers=False))
            while not stop.is_set() and not task.done():
                await asyncio.sleep(0.02)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    thread = threading.Thread(target=asyncio.run, args=(work(),))
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(30)
        assert not thread.is_alive()


def test_two_workers_share_a_job_due_every_second_and_run_each_slot_once(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    delivered: list[tuple[str, dt.datetime]] = []
    real_execute = runs.execute

    def execute(ctx: Context, job: Job, slot: dt.datetime, **kwargs: str) -> JobRun | None:
        delivered.append((str(kwargs["worker"]), slot))
        return real_execute(ctx, job, slot, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(queue, "execute", execute)
    tick = Job("tick", lambda ctx: Outcome({"n": 1}), Every(1), "every second")
    with _worker(app, [tick], "one"), _worker(app, [tick], "two"):
        time.sleep(4.5)

    done = _runs(app, "tick")
    slots = [slot for _, slot in delivered]
    assert len(done) >= 3
    assert sorted(slots) == sorted(run.scheduled_for for run in done)  # each delivered once
    assert len(set(slots)) == len(slots)
    assert {run.state for run in done} == {"done"}
    # Consecutive seconds, none skipped between the first and the last.
    assert max(slots) - min(slots) == dt.timedelta(seconds=len(slots) - 1)


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAOMAT_")}
    env.update(
        BAOMAT_HOME=str(settings.home),
        BAOMAT_DATABASE_URL=settings.store_url(),
        BAOMAT_KEYSTORE_URL=settings.key_store_url(),
    )
    return env


def test_two_worker_processes_starting_together_run_the_daily_sweep_once(
    app: App, settings: Settings
) -> None:
    """Each worker, starting, defers the day's sweep if nobody has (the catch-up of a
    missed slot); the queue lets one deferral in, and one worker runs it."""
    command = [str(Path(sys.executable).with_name("baomat")), "worker"]
    workers = [
        subprocess.Popen(  # noqa: S603 (our own command, no shell)
            command, env=_env(settings), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not [
            r for r in _runs(app, "retention.sweep") if r.state == "done"
        ]:
            time.sleep(0.2)
        time.sleep(2)  # time for a second run, were there one
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [worker.communicate(timeout=30)[0] for worker in workers]
    done = _runs(app, "retention.sweep")
    assert len(done) == 1, outputs
    assert (done[0].state, done[0].trigger) == ("done", "schedule")
    assert done[0].worker.startswith("worker:")
    assert done[0].counts["tenants"] == 1  # the shop
    assert [w.returncode for w in workers] == [0, 0], outputs
