"""Works submitted together commit together; each caller hears back only after its commit."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from baomat.bootstrap import App
from baomat.domain.audit import AuditEvent
from baomat.store import group_commit
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
