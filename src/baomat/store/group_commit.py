"""Group commit: small writes made at the same time on one engine share a transaction.

    future = group_commit.submit(app.uow(), lambda uow: decide_within(uow, ...))
    decision = future.result()  # or, on an event loop: await asyncio.wrap_future(future)

Each work (a function of an open unit of work) is queued on its engine's
committer, a thread that takes every work waiting, runs each in a savepoint
of its own, commits them in one transaction and only then resolves their
futures. A caller therefore learns its result only once its writes are
committed, as if it had committed alone: nothing is answered before it is
durable. A work that raises rolls back to its savepoint, and its future
raises; the others in the batch go on.

Why (docs/decisions/007-decision-latency.md): SQLite has one writer at a
time, so writers queue and each pays a whole transaction in turn; here a work
waits for at most the batch being committed and its own. And a caller on an
event loop hands its work to a thread that is already running instead of
waking a thread of its own, which is most of a small write's latency on a
busy server.

The committer starts with the first work and stops after `IDLE_S` without
one, so it outlives no burst of work by long.

    future = group_commit.submit(app.uow(), work, at_once_if_free=True)
    result = future.result() if future.done() else await asyncio.wrap_future(future)

With `at_once_if_free`, on an embedded store (SQLite) whose writer is free
and with no work queued before it, the work runs at once on the calling
thread, alone in its transaction, and the future comes back resolved: an
event loop then answers without a single handoff, which a decision's latency
is mostly made of (a work's own SQLite time is about half a millisecond).
Never a wait on the calling thread: when another thread or process holds the
writer, or works are queued, the work goes to the committer as above. A
PostgreSQL store always uses the committer, since its every statement is a
round trip on the network.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from baomat.store.engine import WriterBusy, writer_lock
from baomat.store.uow import UnitOfWork

T = TypeVar("T")

MAX_BATCH = 64
"""Works committed in one transaction at most; more wait for the next."""

IDLE_S = 1.0
"""How long the committer waits for a work before its thread ends."""

_Work = tuple[UnitOfWork, Callable[[UnitOfWork], Any], "Future[Any]"]


def submit(
    uow: UnitOfWork, work: Callable[[UnitOfWork], T], *, at_once_if_free: bool = False
) -> Future[T]:
    """Queues `work(u)` to run and commit with others → its result, as a future, once committed.

    `uow` must not be open; the committer may run the batch in it or in
    another caller's. `work` must write only through the unit of work it is
    given, and must not open one of its own: it runs on the committer's thread.
    `at_once_if_free`: run it here and now instead when that needs no wait
    (the module's docstring); the future is then already resolved.
    """
    committer = _committer(uow.engine)
    if at_once_if_free and writer_lock(uow.engine) is not None and committer.idle():
        done = _at_once(uow, work)
        if done is not None:
            return done
    return committer.submit(uow, work)


def run(uow: UnitOfWork, work: Callable[[UnitOfWork], T]) -> T:
    """`submit` and wait → the result once committed, or the work's error."""
    return submit(uow, work).result()


def _at_once(uow: UnitOfWork, work: Callable[[UnitOfWork], T]) -> Future[T] | None:
    """Runs `work` on this thread in a transaction of its own → its resolved future; None if
    the store's writer is busy, in which case nothing was begun."""
    future: Future[T] = Future()
    try:
        with uow.without_waiting():
            try:
                result = work(uow)
                uow.commit()
            except Exception as exc:  # the caller's, as from the committer; rolled back on exit
                future.set_exception(exc)
            else:
                future.set_result(result)
    except WriterBusy:
        return None
    return future


class _Committer:
    """One engine's queue of works and the thread that commits them."""

    def __init__(self, engine: Engine) -> None:
        self._name = f"baomat-group-commit-{engine.url.get_backend_name()}"
        self._ready = threading.Condition()
        self._pending: list[_Work] = []
        self._thread: threading.Thread | None = None

    def submit(self, uow: UnitOfWork, work: Callable[[UnitOfWork], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._ready:
            self._pending.append((uow, work, future))
            if self._thread is None:
                self._start()
            else:
                self._ready.notify()
        return future

    def idle(self) -> bool:
        """No work is waiting for this committer (one may be running)."""
        return not self._pending

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            while (batch := self._next()) is not None:
                _commit(batch)
        finally:
            with self._ready:
                self._thread = None
                if self._pending:  # queued as this thread was ending
                    self._start()

    def _next(self) -> list[_Work] | None:
        with self._ready:
            if not self._pending:
                self._ready.wait(IDLE_S)
            batch = self._pending[:MAX_BATCH]
            del self._pending[:MAX_BATCH]
            return batch or None


def _commit(batch: list[_Work]) -> None:
    # A caller that gave up (its future cancelled) gets no work done, and no audit entry.
    batch = [item for item in batch if item[2].set_running_or_notify_cancel()]
    if not batch:
        return
    uow = batch[0][0]
    results: list[tuple[Future[Any], Any, BaseException | None]] = []
    try:
        with uow:
            for _, work, future in batch:
                # Alone, a work needs no savepoint: if it raises, its transaction rolls back whole.
                scope = _savepoint(uow.conn) if len(batch) > 1 else contextlib.nullcontext()
                try:
                    with scope:
                        results.append((future, work(uow), None))
                except Exception as exc:  # handed to the caller whose work raised it
                    results.append((future, None, exc))
            if any(error is None for _, _, error in results):
                uow.commit()
    except BaseException as exc:  # nothing of the batch landed: every caller learns why
        for _, _, future in batch:
            future.set_exception(exc)
        if not isinstance(exc, Exception):
            raise
        return
    for future, result, error in results:
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)


@contextlib.contextmanager
def _savepoint(conn: Connection) -> Iterator[None]:
    # Plain SQL: SQLAlchemy's `begin_nested` costs several times what the work itself does.
    conn.exec_driver_sql("SAVEPOINT group_commit")
    try:
        yield
    except BaseException:
        conn.exec_driver_sql("ROLLBACK TO SAVEPOINT group_commit")
        conn.exec_driver_sql("RELEASE SAVEPOINT group_commit")
        raise
    conn.exec_driver_sql("RELEASE SAVEPOINT group_commit")


_committers: weakref.WeakKeyDictionary[Engine, _Committer] = weakref.WeakKeyDictionary()
_committers_lock = threading.Lock()


def _committer(engine: Engine) -> _Committer:
    with _committers_lock:
        committer = _committers.get(engine)
        if committer is None:
            committer = _committers[engine] = _Committer(engine)
        return committer
