"""Works submitted together commit together; each caller hears back only after its commit."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

import pytest

from baomat.bootstrap import App
from baomat.domain.audit import AuditEvent
from baomat.store import group_commit
from baomat.store.engine import BUSY_TIMEOUT_S
from baomat.store.uow import UnitOfWork
from tests.integration.shop import AT


def _append(action: str) -> Callable[[UnitOfWork], int]:
    def work(uow: UnitOfWork) -> int:
        return uow.audit.append("shop", [AuditEvent("test", action)], AT)

    return work


def _actions(app: App) -> list[str]:
    with app.uow(read_only=True) as uow:
        return [str(e["action"]) for e in uow.audit.entries("shop")]


def _held(app: App) -> tuple[threading.Event, threading.Event]:
    """Submits a work that holds the committer until released → (entered, release)."""
    entered, release = threading.Event(), threading.Event()

    def hold(uow: UnitOfWork) -> None:
        entered.set()
        release.wait(10)

    group_commit.submit(app.uow(), hold)
    assert entered.wait(10)
    return entered, release


def test_works_waiting_together_share_one_transaction_and_each_gets_its_own_result(
    app: App,
) -> None:
    _, release = _held(app)
    seen: list[int] = []

    def work(uow: UnitOfWork) -> int:
        seen.append(id(uow.conn))
        return uow.audit.append("shop", [AuditEvent("test", f"test.{len(seen)}")], AT)

    futures = [group_commit.submit(app.uow(), work) for _ in range(3)]
    release.set()

    assert [f.result(10) for f in futures] == [3, 4, 5]
    assert len(set(seen)) == 1
    assert _actions(app)[2:] == ["test.1", "test.2", "test.3"]
    with app.uow(read_only=True) as uow:
        assert uow.audit.verify("shop") == (5, None)


def test_a_work_that_raises_is_rolled_back_alone_and_its_caller_gets_the_error(
    app: App,
) -> None:
    _, release = _held(app)

    def fails(uow: UnitOfWork) -> None:
        uow.audit.append("shop", [AuditEvent("test", "test.lost")], AT)
        raise LookupError("no such thing")

    first = group_commit.submit(app.uow(), _append("test.first"))
    failing = group_commit.submit(app.uow(), fails)
    last = group_commit.submit(app.uow(), _append("test.last"))
    release.set()

    with pytest.raises(LookupError, match="no such thing"):
        failing.result(10)
    assert (first.result(10), last.result(10)) == (3, 4)
    assert _actions(app)[2:] == ["test.first", "test.last"]
    with app.uow(read_only=True) as uow:
        assert uow.audit.verify("shop") == (4, None)


def test_a_work_alone_that_raises_leaves_nothing_behind(app: App) -> None:
    def fails(uow: UnitOfWork) -> None:
        uow.audit.append("shop", [AuditEvent("test", "test.lost")], AT)
        raise LookupError("no such thing")

    with pytest.raises(LookupError):
        group_commit.run(app.uow(), fails)

    assert _actions(app) == ["tenant.create", "policy.publish"]


def test_a_caller_hears_back_only_once_its_write_is_committed(app: App) -> None:
    committed: list[list[str]] = []
    told = threading.Event()

    def on_result(_: object) -> None:
        # Whoever learns the result, on whichever thread, can already read the write elsewhere.
        committed.append(_actions(app))
        told.set()

    future = group_commit.submit(app.uow(), _append("test.durable"))
    future.add_done_callback(on_result)

    assert future.result(10) == 3
    assert told.wait(10)
    assert committed == [["tenant.create", "policy.publish", "test.durable"]]


def test_a_work_whose_caller_gave_up_before_it_ran_is_not_run(app: App) -> None:
    _, release = _held(app)
    abandoned = group_commit.submit(app.uow(), _append("test.abandoned"))
    kept = group_commit.submit(app.uow(), _append("test.kept"))

    assert abandoned.cancel()
    release.set()

    assert kept.result(10) == 3
    assert _actions(app)[2:] == ["test.kept"]


def test_the_committer_thread_ends_when_idle_and_starts_again_for_new_work(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(group_commit, "IDLE_S", 0.01)

    def committer_alive() -> bool:
        return any(t.name.startswith("baomat-group-commit") for t in threading.enumerate())

    assert group_commit.run(app.uow(), _append("test.one")) == 3
    for thread in threading.enumerate():
        if thread.name.startswith("baomat-group-commit"):
            thread.join(5)
    assert not committer_alive()
    assert group_commit.run(app.uow(), _append("test.two")) == 4


# At once if free: the caller's own thread, when that needs no wait.


def _thread_of(action: str, ran_on: list[str]) -> Callable[[UnitOfWork], int]:
    def work(uow: UnitOfWork) -> int:
        ran_on.append(threading.current_thread().name)
        return uow.audit.append("shop", [AuditEvent("test", action)], AT)

    return work


def _embedded(app: App) -> bool:
    return app.settings.store_url().startswith("sqlite")


def test_a_work_at_once_runs_on_the_callers_thread_on_the_embedded_store_only(app: App) -> None:
    ran_on: list[str] = []

    future = group_commit.submit(app.uow(), _thread_of("test.now", ran_on), at_once_if_free=True)

    assert future.result(10) == 3
    assert _actions(app)[2:] == ["test.now"]
    if _embedded(app):  # resolved before submit returned, committed, on this very thread
        assert ran_on == [threading.current_thread().name]
    else:  # PostgreSQL: every statement a round trip, so the committer's thread runs it
        assert ran_on[0].startswith("baomat-group-commit")


def test_a_work_at_once_that_raises_leaves_nothing_and_its_future_holds_the_error(
    app: App,
) -> None:
    def fails(uow: UnitOfWork) -> None:
        uow.audit.append("shop", [AuditEvent("test", "test.lost")], AT)
        raise LookupError("no such thing")

    future = group_commit.submit(app.uow(), fails, at_once_if_free=True)

    with pytest.raises(LookupError, match="no such thing"):
        future.result(10)
    assert _actions(app) == ["tenant.create", "policy.publish"]
    with app.uow(read_only=True) as uow:
        assert uow.audit.verify("shop") == (2, None)


def test_a_work_at_once_goes_to_the_committer_while_another_thread_writes(app: App) -> None:
    if not _embedded(app):
        pytest.skip("only the embedded store runs works at once")
    writing, release = threading.Event(), threading.Event()

    def writer() -> None:
        with app.uow() as uow:
            uow.audit.append("shop", [AuditEvent("test", "test.writer")], AT)
            writing.set()
            release.wait(10)
            uow.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(10)
    ran_on: list[str] = []

    future = group_commit.submit(app.uow(), _thread_of("test.after", ran_on), at_once_if_free=True)
    handed_over = not future.done()  # submit came back without waiting for the writer
    release.set()
    thread.join(10)

    assert handed_over
    assert future.result(10) == 4
    assert ran_on[0].startswith("baomat-group-commit")
    assert _actions(app)[2:] == ["test.writer", "test.after"]


def test_a_work_at_once_does_not_wait_for_another_process_and_the_wait_is_kept(
    app: App,
) -> None:
    if not _embedded(app):
        pytest.skip("only the embedded store runs works at once")
    other = sqlite3.connect(app.settings.store_url().removeprefix("sqlite:///"), timeout=0)
    other.isolation_level = None
    other.execute("BEGIN IMMEDIATE")  # another process's writer, as far as SQLite can tell
    ran_on: list[str] = []

    future = group_commit.submit(app.uow(), _thread_of("test.after", ran_on), at_once_if_free=True)
    handed_over = not future.done()
    other.execute("COMMIT")
    other.close()

    assert handed_over
    assert future.result(10) == 3
    assert ran_on[0].startswith("baomat-group-commit")
    # The attempt lifted SQLite's busy wait for its BEGIN only: later writers wait as before.
    with app.uow() as uow:
        waits_ms = uow.conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert waits_ms == BUSY_TIMEOUT_S * 1000
