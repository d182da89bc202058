"""Engines for the main store and the key store, SQLite or PostgreSQL by URL."""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

READ_ONLY = "baomat_read_only"
"""Execution option of a connection whose transactions only read (`UnitOfWork(read_only=True)`)."""

_writers: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


def make_engine(url: str, *, secure_delete: bool = False, read_only: bool = False) -> Engine:
    """`sqlite:///x.sqlite3` or `postgresql+psycopg://...` → an Engine.

    On SQLite, transactions begin IMMEDIATE so that two writers never both read
    the audit head and then collide; foreign keys are enforced; WAL lets readers
    run beside the writer. `secure_delete` overwrites deleted rows, which the key
    store needs so that a shredded data key does not linger in free pages.
    `read_only` engines begin plain (deferred) transactions, so that readers
    never wait for a writer's lock; so does a connection with the `READ_ONLY`
    execution option, on any SQLite engine.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})
    if not read_only:
        _writers[engine] = threading.RLock()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (pysqlite's own handling is off).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        if secure_delete:
            cur.execute("PRAGMA secure_delete=ON")
        if read_only:
            # Long sequential reads (verifying a chain) skip a read() call per page.
            cur.execute("PRAGMA mmap_size=1073741824")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        reading = read_only or conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def writer_lock(engine: Engine) -> threading.RLock | None:
    """The lock a writing unit of work holds on `engine`, in this process; None but on SQLite.

    SQLite has one writer at a time, and a writer that finds the database
    locked polls for it, sleeping up to 100 ms between tries, so that under
    concurrent writes some wait far longer than the lock was held (the p99 of
    `baomat bench`'s `decision.http_*`). Queueing on this lock first hands the
    database over the moment it is free; writers in other processes still
    meet SQLite's own wait. Reentrant, so a unit of work opened inside another
    one on the same thread fails as it always did (SQLite's "database is
    locked" after its timeout) instead of deadlocking here.
    """
    return _writers.get(engine)
