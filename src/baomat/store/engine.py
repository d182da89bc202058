"""Engines for the main store and the key store, SQLite or PostgreSQL by URL."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, RootTransaction, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

READ_ONLY = "baomat_read_only"
"""Execution option of a connection whose transactions only read (`UnitOfWork(read_only=True)`)."""

_writers: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()

BUSY_TIMEOUT_S = 30
"""How long a SQLite writer waits for another's lock before SQLite answers "database is locked"."""

AUTOCHECKPOINT_PAGES = 50_000
"""The write-ahead log's size (pages of 4 KiB, about 200 MB) at which a commit checkpoints it
itself: a safety net, reached only when the background checkpointer is not keeping up."""

CHECKPOINT_EVERY_S = 2.0
"""How often the background checkpointer copies committed pages into the database file.

Each checkpoint syncs the log and the database file, and writes made while
the disk flushes wait with it: at every 0.5 s, a deletion's p99 in a store of
a million subjects was 17–43 ms against 6–10 ms at every 2 s, with no
difference to the HTTP decisions' (docs/decisions/007-decision-latency.md).
Under sustained writes the log holds at most this long's worth of them."""

_CHANGES_AT_BEGIN = "baomat_changes_at_begin"
"""Where a connection keeps SQLite's count of rows changed when its transaction began."""

CHECKPOINT_IDLE_S = 5.0
"""How long the checkpointer waits without a commit before its thread ends."""


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
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
    if not read_only:
        _writers[engine] = threading.RLock()
    # The main store's commits leave checkpoints to a thread of their own (`_Checkpointer`);
    # the key store keeps SQLite's own, since a shredded key must leave the log promptly.
    background = not read_only and not secure_delete and bool(parsed.database)
    background = background and parsed.database != ":memory:"
    checkpointer = _Checkpointer(str(parsed.database)) if background else None

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
        if checkpointer is not None:
            cur.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        if read_only:
            # Long sequential reads (verifying a chain) skip a read() call per page.
            cur.execute("PRAGMA mmap_size=1073741824")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        reading = read_only or conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")
        if checkpointer is not None:
            conn.info[_CHANGES_AT_BEGIN] = conn.connection.driver_connection.total_changes

    if checkpointer is not None:

        @event.listens_for(engine, "commit")
        def _on_commit(conn: Any) -> None:
            # Only a transaction that changed rows wakes the thread: opening a store (the
            # migrations' check) starts none, so `baomat audit verify` may still fork.
            changed = conn.connection.driver_connection.total_changes
            if changed != conn.info.get(_CHANGES_AT_BEGIN):
                checkpointer.wake()

        @event.listens_for(engine, "engine_disposed")
        def _on_dispose(_engine: Any) -> None:
            checkpointer.stop()

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


def checkpoint(engine: Engine, mode: str = "PASSIVE") -> None:
    """Copies a SQLite store's write-ahead log into its file now, outside any transaction.

    PASSIVE never waits for anyone and may stop short; TRUNCATE waits for readers and
    writers (the busy timeout at most) and empties the log.
    """
    raw = engine.raw_connection()
    try:
        raw.cursor().execute(f"PRAGMA wal_checkpoint({mode})").fetchall()
    finally:
        raw.close()


class WriterBusy(Exception):
    """Another writer holds the SQLite store right now, and the caller chose not to wait."""


def begin_at_once(conn: Connection) -> RootTransaction:
    """`conn.begin()` on a SQLite writer that does not wait: WriterBusy if another one writes.

    SQLite's busy timeout is lifted for this BEGIN only and put back at once,
    whatever happened, so the connection goes back to its pool as it came.
    Nothing is begun when WriterBusy is raised.
    """
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection), "only a SQLite store has a writer to wait for"
    raw.execute("PRAGMA busy_timeout=0")
    try:
        return conn.begin()
    except OperationalError as exc:
        code = getattr(exc.orig, "sqlite_errorcode", None)
        if code is not None and code & 0xFF == sqlite3.SQLITE_BUSY:
            raise WriterBusy("another connection is writing to the store") from None
        raise
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")


class _Checkpointer:
    """Copies a SQLite store's committed log into its database file, off the commit path.

    By default SQLite checkpoints in whichever commit finds the log past 1,000
    pages: that commit, and every request waiting on the writer behind it,
    then waits for the pages to be copied and the file synced (about 100 ms
    here, the p99 of `baomat bench`'s decisions over HTTP). Here a thread of
    its own, on a connection of its own, runs a PASSIVE checkpoint at most
    every `CHECKPOINT_EVERY_S` after commits: it takes no lock a writer or a
    reader waits for, and SQLite's own gives up the interpreter lock while it
    copies. Durability is unchanged: a commit is in the log before it returns,
    checkpointed or not. Started by the first commit that changes rows, it ends after
    `CHECKPOINT_IDLE_S` without one, like the group committer, or when the
    engine is disposed.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._ready = threading.Condition()
        self._dirty = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        with self._ready:
            self._dirty = True
            if self._thread is None:
                self._stopping = False
                self._thread = threading.Thread(
                    target=self._serve, name=f"baomat-checkpointer:{self._path}", daemon=True
                )
                self._thread.start()

    def _serve(self) -> None:
        try:
            with contextlib.closing(sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_S)) as db:
                while self._next():
                    # A failure (the file gone, the disk full) is left to the next commit's
                    # own checkpoint and error; this thread only ever saves work.
                    with contextlib.suppress(sqlite3.Error):
                        db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            pass
        finally:
            with self._ready:
                self._thread = None

    def stop(self) -> None:
        """Ends the thread after one last checkpoint, if there were commits since the one before,
        and waits for it to end (the busy timeout at most): a disposed engine leaves no thread."""
        with self._ready:
            self._stopping = True
            self._ready.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(BUSY_TIMEOUT_S)

    def _next(self) -> bool:
        """Waits `CHECKPOINT_EVERY_S`; True if there were commits since the last checkpoint."""
        idle = 0.0
        while True:
            with self._ready:
                if not self._stopping:
                    self._ready.wait(CHECKPOINT_EVERY_S)
                if self._dirty:
                    self._dirty = False
                    return True
                if self._stopping:
                    return False
            idle += CHECKPOINT_EVERY_S
            if idle >= CHECKPOINT_IDLE_S:
                return False
