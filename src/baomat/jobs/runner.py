"""The in-process runner: periodic jobs in a thread of `baomat serve`, on the embedded store.

    runner = Runner(app, catalog(settings).values(), worker=worker_name("serve"))
    runner.start()   # with the HTTP server (the FastAPI lifespan)
    runner.stop()    # when it shuts down

On SQLite there is one serve process and no queue server: this thread is the
queue. Each pass runs every job whose latest slot has no run yet (so a
restart neither skips today's run nor repeats it), then sleeps until the next
slot, waking at least every `poll` seconds in case the clock jumped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from baomat.jobs.job import Context, Job
from baomat.jobs.runs import due, execute
from baomat.store.job_runs import JobRun

log = logging.getLogger(__name__)


class Runner:
    def __init__(
        self, ctx: Context, jobs: Iterable[Job], *, worker: str, poll: float = 60.0
    ) -> None:
        self._ctx = ctx
        self._jobs = [job for job in jobs if job.schedule is not None]
        self._worker = worker
        self._poll = poll
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def tick(self) -> list[JobRun]:
        """One pass: runs each due job → the runs this pass made."""
        runs = []
        for job, slot in due(self._ctx, self._jobs, self._ctx.clock()):
            if self._stopping.is_set():
                break
            run = execute(self._ctx, job, slot, trigger="schedule", worker=self._worker)
            if run is not None:
                runs.append(run)
        return runs

    def start(self) -> None:
        if self.running:
            raise RuntimeError("the job runner is running already")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="baomat-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Asks the runner to stop and waits for it → False if a job still runs after `timeout`.

        A job is not interrupted: it finishes, or ends with the process. Every
        erasure is its own transaction, so nothing is left half done; the run
        then stays `running` in `baomat jobs list`, and the next slot runs as usual.
        """
        self._stopping.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("a job is still running after %.0f s; leaving it to the process", timeout)
            return False
        self._thread = None
        return True

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self.tick()
            except Exception:  # the store may be briefly unreachable: try again next pass
                log.exception("job runner pass failed")
            self._stopping.wait(self._pause())

    def _pause(self) -> float:
        """Seconds until the next slot of any job, at most `poll`."""
        now = self._ctx.clock()
        slots = [job.schedule.following(now) for job in self._jobs if job.schedule is not None]
        if not slots:
            return self._poll
        return min(max((min(slots) - now).total_seconds(), 0.05), self._poll)
