"""The main store's write-ahead log reaches the database file off the commit path.

A commit leaves its pages in the log; the checkpointer thread copies them into
the file within `CHECKPOINT_EVERY_S` (made shorter here, so the tests wait
less), so no request's commit pays for a checkpoint
(docs/decisions/007-decision-latency.md). The file is read here as it is on
disk, without the log (`immutable=1`), to see where the rows are.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from baomat import bootstrap
from baomat.config import Settings
from baomat.services import audit
from baomat.store import engine as engines


@pytest.fixture(autouse=True)
def _checkpoint_often(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "CHECKPOINT_EVERY_S", 0.25)


def _rows_in_file(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as db:
        found: int = db.execute("SELECT count(*) FROM t").fetchone()[0]
        return found


def _write(url: str, rows: int) -> None:
    eng = engines.make_engine(url)
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY, pad TEXT)"))
    with eng.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (0, '')"))  # the table, in the file first
    time.sleep(engines.CHECKPOINT_EVERY_S * 4)
    for n in range(1, rows + 1):
        with eng.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (:n, :pad)"), {"n": n, "pad": "x" * 100})


def test_committed_rows_reach_the_database_file_without_a_commit_checkpointing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "main.sqlite3"
    _write(f"sqlite:///{path}", 200)

    deadline = time.monotonic() + 10
    found = 0
    while found < 201 and time.monotonic() < deadline:
        time.sleep(0.1)
        # Read without locks, the file may be caught halfway through a checkpoint: try again.
        with contextlib.suppress(sqlite3.DatabaseError):
            found = _rows_in_file(path)

    assert found == 201


def test_a_commit_leaves_the_checkpoint_to_the_thread(tmp_path: Path) -> None:
    # SQLite's own threshold is 1,000 pages; the store's is raised so commits never reach it.
    path = tmp_path / "main.sqlite3"
    eng = engines.make_engine(f"sqlite:///{path}")
    with eng.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()

    assert pages == engines.AUTOCHECKPOINT_PAGES


def test_the_key_store_keeps_sqlites_own_checkpoints(tmp_path: Path) -> None:
    eng = engines.make_engine(f"sqlite:///{tmp_path / 'keys.sqlite3'}", secure_delete=True)
    with eng.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()

    assert pages == 1000


def _running(path: Path) -> bool:
    return any(t.name == f"baomat-checkpointer:{path}" for t in threading.enumerate())


def test_disposing_the_engine_ends_the_checkpointer_thread_before_it_returns(
    tmp_path: Path,
) -> None:
    path = tmp_path / "main.sqlite3"
    eng = engines.make_engine(f"sqlite:///{path}")
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    assert _running(path)

    eng.dispose()

    assert not _running(path)
    assert _rows_in_file(path) == 1  # the last checkpoint ran before the thread ended


def test_only_a_transaction_that_changes_rows_starts_the_thread(tmp_path: Path) -> None:
    path = tmp_path / "main.sqlite3"
    eng = engines.make_engine(f"sqlite:///{path}")
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
    with eng.begin() as conn:
        conn.execute(text("SELECT count(*) FROM t")).scalar()
        conn.execute(text("UPDATE t SET n = n + 1"))  # no row: nothing changed
    assert not _running(path)

    with eng.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    assert _running(path)
    eng.dispose()


def test_opening_a_store_starts_no_thread_so_its_chain_can_be_verified_across_cores(
    tmp_path: Path,
) -> None:
    settings = Settings(home=tmp_path)
    bootstrap.ensure_keys(settings, env={})
    bootstrap.build(settings, env={}).close()  # created and migrated: written
    assert not _running(tmp_path / "baomat.sqlite3")

    app = bootstrap.build(settings, env={})  # opened again: the migrations only checked
    try:
        assert audit.verify(app.uow()) == (0, None)
        assert not _running(tmp_path / "baomat.sqlite3")
    finally:
        app.close()
