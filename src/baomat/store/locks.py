"""Service locks: staff stopped a subject's service for a violation of the terms of use.

The evidence note and the unlock note are sealed with the subject's own data
key (`crypto.SubjectCipher`, fields `lock.evidence` and `lock.unlock_note`), so
erasing the subject's key makes them unreadable; callers see plain text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, RowMapping, bindparam, insert, select, update

from baomat.store import _driver, crypto
from baomat.store.keystore import KeyStore
from baomat.store.subjects import SubjectShredded
from baomat.store.tables import service_locks

EVIDENCE_FIELD = "lock.evidence"
UNLOCK_NOTE_FIELD = "lock.unlock_note"


@dataclass(frozen=True, slots=True)
class LockRecord:
    id: str
    subject: str
    violation: str
    evidence: str | None
    """The staff's evidence note; None once the subject's key is shredded."""
    locked_at: dt.datetime
    locked_by: str
    unlocked_at: dt.datetime | None = None
    unlocked_by: str | None = None
    unlock_note: str | None = None

    @property
    def is_open(self) -> bool:
        return self.unlocked_at is None


_c = service_locks.c
# Built once, run on the driver's cursor: decisions under a policy with service locks run it.
_OPEN = (
    select(_c.id)
    .where(
        _c.tenant_id == bindparam("tenant"),
        _c.subject_id == bindparam("subject"),
        _c.unlocked_at.is_(None),
    )
    .limit(1)
)
_COLUMNS = (
    _c.id,
    _c.subject_id,
    _c.violation,
    _c.evidence,
    _c.locked_at,
    _c.locked_by,
    _c.unlocked_at,
    _c.unlocked_by,
    _c.unlock_note,
)


class ServiceLockRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection, keystore: KeyStore) -> None:
        self.conn = conn
        self.keystore = keystore

    def add(self, tenant: str, lock: LockRecord) -> None:
        """Stores an open lock, its evidence sealed. Raises SubjectShredded."""
        self.conn.execute(
            insert(service_locks).values(
                tenant_id=tenant,
                id=lock.id,
                subject_id=lock.subject,
                violation=lock.violation,
                evidence=self._cipher(tenant, lock.subject).encrypt(
                    EVIDENCE_FIELD, (lock.evidence or "").encode()
                ),
                locked_at=lock.locked_at,
                locked_by=lock.locked_by,
            )
        )

    def unlock(
        self, tenant: str, subject: str, lock_id: str, note: str, by: str, at: dt.datetime
    ) -> bool:
        """Ends an open lock of the subject → False when there was none with that id."""
        sealed = self._cipher(tenant, subject).encrypt(UNLOCK_NOTE_FIELD, note.encode())
        result = self.conn.execute(
            update(service_locks)
            .where(
                _c.tenant_id == tenant,
                _c.subject_id == subject,
                _c.id == lock_id,
                _c.unlocked_at.is_(None),
            )
            .values(unlocked_at=at, unlocked_by=by, unlock_note=sealed)
        )
        return bool(result.rowcount)

    def is_locked(self, tenant: str, subject: str) -> bool:
        """Whether the subject has an open lock: one indexed lookup, what decisions run."""
        return bool(_driver.rows(self.conn, _OPEN, {"tenant": tenant, "subject": subject}))

    def of_subject(self, tenant: str, subject: str) -> list[LockRecord]:
        """The subject's locks, oldest first, notes opened (None once its key is shredded)."""
        rows = self.conn.execute(
            select(*_COLUMNS)
            .where(_c.tenant_id == tenant, _c.subject_id == subject)
            .order_by(_c.locked_at, _c.id)
        ).all()
        key = self.keystore.get(tenant, subject)
        cipher = None if key is None else crypto.SubjectCipher(key, tenant, subject)
        return [_record(row._mapping, cipher) for row in rows]

    def _cipher(self, tenant: str, subject: str) -> crypto.SubjectCipher:
        key = self.keystore.get(tenant, subject)
        if key is None:
            raise SubjectShredded(subject)
        return crypto.SubjectCipher(key, tenant, subject)


def _record(m: RowMapping, cipher: crypto.SubjectCipher | None) -> LockRecord:
    def opened(field: str, blob: bytes | None) -> str | None:
        if cipher is None or blob is None:
            return None
        return cipher.decrypt(field, bytes(blob)).decode()

    return LockRecord(
        id=m["id"],
        subject=m["subject_id"],
        violation=m["violation"],
        evidence=opened(EVIDENCE_FIELD, m["evidence"]),
        locked_at=m["locked_at"],
        locked_by=m["locked_by"],
        unlocked_at=m["unlocked_at"],
        unlocked_by=m["unlocked_by"],
        unlock_note=opened(UNLOCK_NOTE_FIELD, m["unlock_note"]),
    )
