"""The unit of work: one transaction per use case, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from baomat.store import crypto
from baomat.store.api_keys import ApiKeyRepository
from baomat.store.audit_log import AuditLog
from baomat.store.consents import ConsentRepository
from baomat.store.holds import LegalHoldRepository
from baomat.store.keystore import KeyStore
from baomat.store.limits import SubjectLimitRepository
from baomat.store.subjects import SubjectRepository
from baomat.store.tenants import TenantRepository


class UnitOfWork:
    """`with uow: ...; uow.commit()`: the change and its audit entries land together.

    Leaving the block without `commit()` (or through an exception) rolls
    everything back. Repositories share the one connection and never commit.
    """

    conn: Connection
    tenants: TenantRepository
    subjects: SubjectRepository
    audit: AuditLog
    api_keys: ApiKeyRepository
    holds: LegalHoldRepository
    consents: ConsentRepository
    limits: SubjectLimitRepository

    def __init__(self, engine: Engine, keystore: KeyStore, index: crypto.BlindIndex) -> None:
        self._engine = engine
        self.keystore = keystore
        self._index = index
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.conn = self._engine.connect()
        self._tx = self.conn.begin()
        self._committed = False
        self.tenants = TenantRepository(self.conn)
        self.subjects = SubjectRepository(self.conn, self.keystore, self._index)
        self.audit = AuditLog(self.conn)
        self.api_keys = ApiKeyRepository(self.conn)
        self.holds = LegalHoldRepository(self.conn)
        self.consents = ConsentRepository(self.conn, self.keystore)
        self.limits = SubjectLimitRepository(self.conn)
        return self

    def commit(self) -> None:
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
            self.conn.close()
