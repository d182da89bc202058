"""The unit of work: one transaction per use case, rolled back unless committed."""

from __future__ import annotations

import threading
from types import TracebackType

from sqlalchemy import Connection, Engine

from baomat.store import crypto
from baomat.store.activity import ActivityRepository
from baomat.store.alerts import AlertRepository
from baomat.store.api_keys import ApiKeyRepository
from baomat.store.attachments import AttachmentRepository
from baomat.store.audit_log import AuditLog
from baomat.store.complaints import ComplaintRepository
from baomat.store.consents import ConsentRepository
from baomat.store.credentials import CredentialRepository
from baomat.store.disclosures import DisclosureRepository
from baomat.store.engine import (
    BUSY_TIMEOUT_S,
    READ_ONLY,
    WriterBusy,
    begin_at_once,
    writer_lock,
)
from baomat.store.holds import LegalHoldRepository
from baomat.store.incidents import IncidentRepository
from baomat.store.job_runs import JobRunRepository
from baomat.store.keystore import KeyStore
from baomat.store.limits import SubjectLimitRepository
from baomat.store.locks import ServiceLockRepository
from baomat.store.monitoring import MonitorRepository
from baomat.store.outbox import OutboxRepository
from baomat.store.policy_changes import PolicyChangeRepository
from baomat.store.policy_notices import PolicyNoticeRepository
from baomat.store.rights import RightsRepository
from baomat.store.sessions import SessionRepository
from baomat.store.staff import StaffRepository
from baomat.store.subjects import SubjectRepository
from baomat.store.tenants import TenantRepository


class UnitOfWork:
    """`with uow: ...; uow.commit()`: the change and its audit entries land together.

    Leaving the block without `commit()` (or through an exception) rolls
    everything back. Repositories share the one connection and never commit.

    `read_only=True` is for a use case that only reads (authenticating a
    caller, the policy in force): on SQLite its transaction takes no write
    lock, so it never waits for a writer, nor makes one wait. It cannot commit.
    A writing unit of work on SQLite queues on the engine's `writer_lock` in
    this process before it begins; `without_waiting()` makes one that is
    refused at once instead (`WriterBusy`) when another writer holds the store.
    """

    conn: Connection
    tenants: TenantRepository
    subjects: SubjectRepository
    audit: AuditLog
    api_keys: ApiKeyRepository
    holds: LegalHoldRepository
    locks: ServiceLockRepository
    consents: ConsentRepository
    limits: SubjectLimitRepository
    rights: RightsRepository
    disclosures: DisclosureRepository
    staff: StaffRepository
    sessions: SessionRepository
    credentials: CredentialRepository
    job_runs: JobRunRepository
    outbox: OutboxRepository
    attachments: AttachmentRepository
    complaints: ComplaintRepository
    alerts: AlertRepository
    policy_changes: PolicyChangeRepository
    policy_notices: PolicyNoticeRepository
    incidents: IncidentRepository
    monitor: MonitorRepository
    activity: ActivityRepository

    def __init__(
        self,
        engine: Engine,
        keystore: KeyStore,
        index: crypto.BlindIndex,
        *,
        read_only: bool = False,
    ) -> None:
        self._engine = engine
        self.keystore = keystore
        self._index = index
        self._read_only = read_only
        self._wait = True
        self._committed = False

    def without_waiting(self) -> UnitOfWork:
        """This unit of work, its next entry refused (`WriterBusy`) unless the writer is free now.

        For a caller that must not block (an event loop): when another thread
        of this process or another process is writing, entering raises
        `WriterBusy` at once and nothing is begun. Only a writing unit of work
        on SQLite can be refused so; elsewhere it is entered as usual.
        """
        self._wait = False
        return self

    def __enter__(self) -> UnitOfWork:
        wait, self._wait = self._wait, True  # `without_waiting` holds for one entry
        self._held: threading.RLock | None = None
        lock = None if self._read_only else writer_lock(self._engine)
        if lock is not None:
            taken = lock.acquire(timeout=BUSY_TIMEOUT_S) if wait else lock.acquire(False)
            if taken:
                self._held = lock
            elif not wait:
                raise WriterBusy("another thread is writing to the store")
            # else: past SQLite's own busy timeout, go on and let SQLite answer as it would.
        try:
            self.conn = self._begin(at_once=lock is not None and not wait)
        except BaseException:
            self._release()
            raise
        self._committed = False
        self.tenants = TenantRepository(self.conn)
        self.subjects = SubjectRepository(self.conn, self.keystore, self._index)
        self.audit = AuditLog(self.conn)
        self.api_keys = ApiKeyRepository(self.conn)
        self.holds = LegalHoldRepository(self.conn)
        self.consents = ConsentRepository(self.conn, self.keystore)
        self.limits = SubjectLimitRepository(self.conn)
        self.rights = RightsRepository(self.conn)
        self.disclosures = DisclosureRepository(self.conn)
        self.staff = StaffRepository(self.conn)
        self.sessions = SessionRepository(self.conn)
        self.credentials = CredentialRepository(self.conn, self._index)
        self.job_runs = JobRunRepository(self.conn)
        self.outbox = OutboxRepository(self.conn, self.keystore)
        self.attachments = AttachmentRepository(self.conn, self.keystore)
        self.complaints = ComplaintRepository(self.conn, self.keystore)
        self.alerts = AlertRepository(self.conn)
        self.policy_changes = PolicyChangeRepository(self.conn)
        self.policy_notices = PolicyNoticeRepository(self.conn)
        self.incidents = IncidentRepository(self.conn)
        self.locks = ServiceLockRepository(self.conn, self.keystore)
        self.monitor = MonitorRepository(self.conn)
        self.activity = ActivityRepository(self.conn)
        return self

    def _begin(self, *, at_once: bool) -> Connection:
        conn = self._engine.connect()
        try:
            if self._read_only:
                conn.execution_options(**{READ_ONLY: True})
            self._tx = begin_at_once(conn) if at_once else conn.begin()
        except BaseException:
            conn.close()
            raise
        return conn

    @property
    def engine(self) -> Engine:
        """The store's engine: what `group_commit` groups concurrent units of work by."""
        return self._engine

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work never commits")
        self._tx.commit()
        self._committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                if self._tx.is_active:
                    self._tx.rollback()
                # The key store is another database: undo its part by hand.
                for tenant, subject_ids in self.subjects.new_keys.items():
                    self.keystore.shred(tenant, subject_ids)
        finally:
            try:
                self.conn.close()
            finally:
                self._release()

    def _release(self) -> None:
        if self._held is not None:
            self._held.release()
            self._held = None
