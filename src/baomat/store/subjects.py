"""Subjects and their field values, encrypted field by field.

Callers hand in and get back plain text; ciphertext never leaves this module
and `crypto`. Each value is sealed with the subject's own data key, its
associated data naming tenant, subject and field. Searchable fields also get
a blind index over their normalised value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from baomat.store import _driver, crypto
from baomat.store.bulk import insert_rows
from baomat.store.keystore import KeyStore
from baomat.store.tables import consents, field_values, subjects, tombstones


@dataclass(frozen=True, slots=True)
class NewSubject:
    """A subject to store: `values` by field id, `index` the normalised searchable ones."""

    id: str
    subject_type: str
    policy_version: int
    values: Mapping[str, str]
    index: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SubjectRecord:
    tenant: str
    id: str
    subject_type: str
    policy_version: int
    status: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    erased_at: dt.datetime | None
    reviewed_at: dt.datetime | None = None
    """When staff last reviewed whether the data is still needed (`while_needed` retention)."""


class SubjectShredded(LookupError):
    """The subject's data key is gone: its values can never be read again."""


# Built once, SubjectRecord's fields in order, run on the driver's cursor: every decision
# reads its subject, and SQLAlchemy's execution costs more than SQLite's (`_driver`).
_BY_ID = select(
    subjects.c.tenant_id,
    subjects.c.id,
    subjects.c.subject_type,
    subjects.c.policy_version,
    subjects.c.status,
    subjects.c.created_at,
    subjects.c.closed_at,
    subjects.c.erased_at,
    subjects.c.reviewed_at,
).where(subjects.c.tenant_id == bindparam("tenant"), subjects.c.id == bindparam("subject"))


LOCK_EACH_UP_TO = 64
"""Values `lock_values` locks one by one; a larger batch locks their fields whole
(PostgreSQL's `max_locks_per_transaction` is 64 by default)."""


def _field_key(tenant: str, field_name: str) -> int:
    """The advisory lock key of a tenant's field (`lock_values`)."""
    digest = hashlib.sha256(f"baomat.unique\x1f{tenant}\x1f{field_name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SubjectRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection, keystore: KeyStore, index: crypto.BlindIndex) -> None:
        self.conn = conn
        self.keystore = keystore
        self.index = index
        self.new_keys: dict[str, list[str]] = {}
        """Subjects (by tenant) whose data keys this unit of work created: shredded on rollback."""

    def add_many(self, tenant: str, new: Sequence[NewSubject], at: dt.datetime) -> None:
        """Stores subjects with their encrypted values in one batch.

        Data keys are created (and committed) in the key store first; should
        this transaction roll back, the unit of work shreds them again.
        """
        keys = self.keystore.create(tenant, [s.id for s in new])
        self.new_keys.setdefault(tenant, []).extend(keys)
        subject_rows = []
        value_rows = []
        digest = self.index.digest
        for s in new:
            cipher = crypto.SubjectCipher(keys[s.id], tenant, s.id)
            subject_rows.append(
                {
                    "tenant_id": tenant,
                    "id": s.id,
                    "subject_type": s.subject_type,
                    "policy_version": s.policy_version,
                    "status": "active",
                    "created_at": at,
                    "updated_at": at,
                }
            )
            for name, value in s.values.items():
                normalised = s.index.get(name)
                value_rows.append(
                    {
                        "tenant_id": tenant,
                        "subject_id": s.id,
                        "field": name,
                        "ciphertext": cipher.encrypt(name, value.encode()),
                        "blind_index": None
                        if normalised is None
                        else digest(tenant, name, normalised),
                    }
                )
        if subject_rows:
            self.conn.execute(insert(subjects), subject_rows)
        insert_rows(self.conn, field_values, value_rows)

    def get(self, tenant: str, subject_id: str) -> SubjectRecord | None:
        found = _driver.rows(self.conn, _BY_ID, {"tenant": tenant, "subject": subject_id})
        return SubjectRecord(*found[0]) if found else None

    def values(
        self, tenant: str, subject_id: str, fields: Sequence[str] | None = None
    ) -> dict[str, str]:
        """Decrypted values of a subject → {field: value}; raises SubjectShredded."""
        key = self.keystore.get(tenant, subject_id)
        if key is None:
            raise SubjectShredded(subject_id)
        query = select(field_values.c.field, field_values.c.ciphertext).where(
            field_values.c.tenant_id == tenant, field_values.c.subject_id == subject_id
        )
        if fields is not None:
            query = query.where(field_values.c.field.in_(list(fields)))
        cipher = crypto.SubjectCipher(key, tenant, subject_id)
        return {
            name: cipher.decrypt(name, blob).decode() for name, blob in self.conn.execute(query)
        }

    def find(self, tenant: str, field_name: str, normalised: str) -> list[str]:
        """Subject ids whose `field_name` has this normalised value, by blind index."""
        digest = self.index.digest(tenant, field_name, normalised)
        rows = self.conn.execute(
            select(field_values.c.subject_id).where(
                field_values.c.tenant_id == tenant,
                field_values.c.field == field_name,
                field_values.c.blind_index == digest,
            )
        )
        return [r[0] for r in rows]

    def taken(
        self,
        tenant: str,
        subject_type: str,
        field_name: str,
        normalised: Collection[str],
        *,
        besides: str | None = None,
    ) -> set[str]:
        """Those `normalised` values that a subject of the type, not erased and not `besides`,
        holds in `field_name`: found by blind index, in one query per 500 values."""
        digests = {self.index.digest(tenant, field_name, v): v for v in normalised}
        c = field_values.c
        found: set[str] = set()
        ordered = list(digests)
        for lo in range(0, len(ordered), 500):
            query = (
                select(c.blind_index)
                .join(
                    subjects,
                    (subjects.c.tenant_id == c.tenant_id) & (subjects.c.id == c.subject_id),
                )
                .where(
                    c.tenant_id == tenant,
                    c.field == field_name,
                    c.blind_index.in_(ordered[lo : lo + 500]),
                    subjects.c.subject_type == subject_type,
                    subjects.c.status != "erased",
                )
            )
            if besides is not None:
                query = query.where(c.subject_id != besides)
            found.update(digests[bytes(row[0])] for row in self.conn.execute(query))
        return found

    def lock_values(self, tenant: str, values: Collection[tuple[str, str]]) -> None:
        """Holds these (field, normalised value) pairs until the transaction ends, so that two
        writers of one value take turns: the second then sees the first's row (`taken`).

        On PostgreSQL, transaction-level advisory locks: each field's lock shared, then
        each value's exclusive, keyed by the first 64 bits of its blind-index digest (a
        collision only makes two writers take turns). A batch of more than `LOCK_EACH_UP_TO`
        values takes its fields' locks exclusive instead, since PostgreSQL's lock table
        holds only so many locks a transaction. Every writer locks fields before values,
        each in key order, so no two wait on each other in a circle. SQLite transactions
        here begin IMMEDIATE and so hold the whole database already.
        """
        if self.conn.dialect.name != "postgresql" or not values:
            return
        fields = sorted({_field_key(tenant, name) for name, _ in values})
        if len(values) > LOCK_EACH_UP_TO:
            for key in fields:
                self.conn.execute(select(func.pg_advisory_xact_lock(key)))
            return
        for key in fields:
            self.conn.execute(select(func.pg_advisory_xact_lock_shared(key)))
        keys = sorted(
            {
                int.from_bytes(self.index.digest(tenant, name, value)[:8], "big", signed=True)
                for name, value in values
            }
        )
        for key in keys:
            self.conn.execute(select(func.pg_advisory_xact_lock(key)))

    def review(self, tenant: str, subject_id: str, at: dt.datetime) -> None:
        """Records that staff reviewed the need for the subject's data at `at`."""
        self.conn.execute(
            update(subjects)
            .where(subjects.c.tenant_id == tenant, subjects.c.id == subject_id)
            .values(reviewed_at=at)
        )

    def close(self, tenant: str, subject_id: str, at: dt.datetime) -> None:
        self.conn.execute(
            update(subjects)
            .where(subjects.c.tenant_id == tenant, subjects.c.id == subject_id)
            .values(status="closed", closed_at=at, updated_at=at)
        )

    def erase(self, tenant: str, subject_id: str, at: dt.datetime, reason: str) -> None:
        """Deletes the values and consent evidence, marks the subject erased, keeps a tombstone.

        The caller shreds the data key in the key store as well; the audit
        entries stay, since they hold no values.
        """
        self.conn.execute(
            delete(field_values).where(
                field_values.c.tenant_id == tenant, field_values.c.subject_id == subject_id
            )
        )
        self.conn.execute(
            update(consents)
            .where(consents.c.tenant_id == tenant, consents.c.subject_id == subject_id)
            .values(evidence=None)
        )
        self.conn.execute(
            update(subjects)
            .where(subjects.c.tenant_id == tenant, subjects.c.id == subject_id)
            .values(status="erased", erased_at=at, updated_at=at)
        )
        self.conn.execute(
            insert(tombstones).values(
                tenant_id=tenant, subject_id=subject_id, erased_at=at, reason=reason
            )
        )

    def lock(self, tenant: str, subject_id: str) -> SubjectRecord | None:
        """The subject's row, locked until the transaction ends, or None.

        FOR UPDATE on PostgreSQL; SQLite transactions here begin IMMEDIATE and
        so hold the whole database already. Changes to one subject that must
        not interleave (a correction, an erasure) take this lock first.
        """
        row = self.conn.execute(
            select(subjects.c.id)
            .where(subjects.c.tenant_id == tenant, subjects.c.id == subject_id)
            .with_for_update()
        ).first()
        return None if row is None else self.get(tenant, subject_id)

    def version(self, tenant: str, subject_id: str) -> str:
        """An opaque token that changes whenever the subject or any of its values is rewritten.

        A digest of the subject's status and update time and of its stored
        ciphertexts (each write seals with a fresh nonce), so a change made by
        another transaction is noticed even at the same clock time.
        """
        row = self.conn.execute(
            select(subjects.c.status, subjects.c.updated_at).where(
                subjects.c.tenant_id == tenant, subjects.c.id == subject_id
            )
        ).first()
        digest = hashlib.sha256(repr(None if row is None else tuple(row)).encode())
        for name, blob in self.conn.execute(
            select(field_values.c.field, field_values.c.ciphertext)
            .where(field_values.c.tenant_id == tenant, field_values.c.subject_id == subject_id)
            .order_by(field_values.c.field)
        ):
            digest.update(name.encode() + b"\x1f" + hashlib.sha256(blob).digest())
        return digest.hexdigest()

    def replace_values(
        self,
        tenant: str,
        subject_id: str,
        values: Mapping[str, str],
        index: Mapping[str, str],
        at: dt.datetime,
        *,
        remove: Sequence[str] = (),
    ) -> None:
        """Rewrites these fields' values (sealed afresh, blind index recomputed); drops `remove`.

        `index` holds the normalised form of the searchable ones among
        `values`. Raises SubjectShredded once the subject's key is gone.
        """
        key = self.keystore.get(tenant, subject_id)
        if key is None:
            raise SubjectShredded(subject_id)
        cipher = crypto.SubjectCipher(key, tenant, subject_id)
        self.conn.execute(
            delete(field_values).where(
                field_values.c.tenant_id == tenant,
                field_values.c.subject_id == subject_id,
                field_values.c.field.in_([*values, *remove]),
            )
        )
        rows = [
            {
                "tenant_id": tenant,
                "subject_id": subject_id,
                "field": name,
                "ciphertext": cipher.encrypt(name, value.encode()),
                "blind_index": None
                if name not in index
                else self.index.digest(tenant, name, index[name]),
            }
            for name, value in values.items()
        ]
        insert_rows(self.conn, field_values, rows)
        self.conn.execute(
            update(subjects)
            .where(subjects.c.tenant_id == tenant, subjects.c.id == subject_id)
            .values(updated_at=at)
        )
