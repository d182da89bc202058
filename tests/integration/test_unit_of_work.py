"""Units of work that only read never wait for a writer; writers in one process take turns."""

from __future__ import annotations

import threading

import pytest

from baomat.bootstrap import App
from baomat.domain.audit import AuditEvent
from baomat.services import audit
from baomat.store.engine import writer_lock
from tests.integration.shop import AT


def _sqlite_lock(app: App) -> threading.RLock:
    lock = writer_lock(app.engine)
    if lock is None:
        pytest.skip("the writer lock is SQLite's; PostgreSQL writers lock rows")
    return lock


def _acquired_elsewhere(lock: threading.RLock) -> bool:
    """Whether another thread can take `lock` now (this thread's own hold would not count)."""
    taken: list[bool] = []

    def attempt() -> None:
        got = lock.acquire(blocking=False)
        if got:
            lock.release()
        taken.append(got)

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join()
    return taken[0]


def test_a_read_only_unit_of_work_reads_but_never_commits(app: App) -> None:
    with app.uow(read_only=True) as uow:
        assert uow.tenants.get("shop") is not None
        with pytest.raises(RuntimeError, match="never commits"):
            uow.commit()


def test_a_reader_is_not_held_up_by_an_open_writer_and_sees_only_what_it_committed(
    app: App,
) -> None:
    with app.uow() as writer:
        writer.audit.append("shop", [AuditEvent("test", "test.write")], AT)
        # A second writer here would wait for the first; a reader answers at once.
        with app.uow(read_only=True) as reader:
            seen = [e["action"] for e in reader.audit.entries("shop")]
        writer.commit()

    assert seen == ["tenant.create", "policy.publish"]


def test_writers_in_threads_take_turns_on_the_writer_lock(app: App) -> None:
    lock = _sqlite_lock(app)
    inside, go, second_in = threading.Event(), threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def write(action: str, entered: threading.Event, wait_for: threading.Event | None) -> None:
        try:
            with app.uow() as uow:
                entered.set()
                if wait_for is not None:
                    wait_for.wait(10)
                uow.audit.append("shop", [AuditEvent("test", action)], AT)
                uow.commit()
        except BaseException as exc:
            failures.append(exc)

    first = threading.Thread(target=write, args=("test.first", inside, go))
    first.start()
    assert inside.wait(10)
    assert not _acquired_elsewhere(lock)
    second = threading.Thread(target=write, args=("test.second", second_in, None))
    second.start()
    assert not second_in.wait(0.2)  # queued behind the first writer, not yet begun
    go.set()
    first.join(10)
    second.join(10)

    assert failures == []
    with app.uow(read_only=True) as uow:
        actions = [e["action"] for e in uow.audit.entries("shop")]
    assert actions[-2:] == ["test.first", "test.second"]
    assert audit.verify(app.uow())[1] is None
    assert _acquired_elsewhere(lock)


def test_the_writer_lock_is_let_go_when_the_block_fails(app: App) -> None:
    lock = _sqlite_lock(app)
    with pytest.raises(ValueError, match="boom"), app.uow():
        raise ValueError("boom")

    assert _acquired_elsewhere(lock)


def test_a_read_only_unit_of_work_takes_no_writer_lock(app: App) -> None:
    lock = _sqlite_lock(app)
    with app.uow(read_only=True):
        assert _acquired_elsewhere(lock)
