"""Attached files of subjects, each sealed with its subject's data key.

Callers hand in and get back plain bytes; ciphertext never leaves this module
and `crypto`. The associated data binds tenant, subject, field, attachment id
and media type, and the size and SHA-256 kept beside it are checked again on
every read, so a row edited or moved in the database fails with
`DecryptionFailed` instead of serving another file. Shredding the subject's
key (erasure) leaves every file of it unreadable, backups included.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, RowMapping, delete, insert, select

from baomat.domain.attachments import Attachment
from baomat.store import crypto
from baomat.store.keystore import KeyStore
from baomat.store.subjects import SubjectShredded
from baomat.store.tables import attachments

_META = (
    attachments.c.id,
    attachments.c.subject_id,
    attachments.c.field,
    attachments.c.media_type,
    attachments.c.size,
    attachments.c.sha256,
    attachments.c.created_at,
)
"""Every column but the content: listing never reads (or, on SQLite, pages through) a file."""


class AttachmentRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection, keystore: KeyStore) -> None:
        self.conn = conn
        self.keystore = keystore

    def add(self, tenant: str, attachment: Attachment, content: bytes) -> None:
        """Stores the file sealed with the subject's key; raises SubjectShredded once it is gone."""
        sealed = self._cipher(tenant, attachment.subject).seal_file(
            attachment.field, attachment.id, attachment.media_type, content
        )
        self.conn.execute(
            insert(attachments).values(
                tenant_id=tenant,
                id=attachment.id,
                subject_id=attachment.subject,
                field=attachment.field,
                media_type=attachment.media_type,
                size=attachment.size,
                sha256=attachment.sha256,
                created_at=attachment.created_at,
                ciphertext=sealed,
            )
        )

    def for_subject(self, tenant: str, subject_id: str) -> list[Attachment]:
        """The subject's files, oldest first, without their content."""
        rows = self.conn.execute(
            select(*_META)
            .where(attachments.c.tenant_id == tenant, attachments.c.subject_id == subject_id)
            .order_by(attachments.c.created_at, attachments.c.id)
        )
        return [_attachment(row._mapping) for row in rows]

    def get(self, tenant: str, subject_id: str, attachment_id: str) -> Attachment | None:
        """One file's description, if it is this subject's (of this tenant)."""
        row = self.conn.execute(
            select(*_META).where(
                attachments.c.tenant_id == tenant,
                attachments.c.subject_id == subject_id,
                attachments.c.id == attachment_id,
            )
        ).first()
        return None if row is None else _attachment(row._mapping)

    def content(self, tenant: str, attachment: Attachment) -> bytes:
        """The file's bytes, checked against its size and SHA-256; raises SubjectShredded."""
        cipher = self._cipher(tenant, attachment.subject)
        blob = self.conn.execute(
            select(attachments.c.ciphertext).where(
                attachments.c.tenant_id == tenant,
                attachments.c.subject_id == attachment.subject,
                attachments.c.id == attachment.id,
            )
        ).scalar_one()
        plain = cipher.open_file(attachment.field, attachment.id, attachment.media_type, blob)
        if len(plain) != attachment.size or hashlib.sha256(plain).hexdigest() != attachment.sha256:
            raise crypto.DecryptionFailed(
                f"attachment {attachment.id!r} does not match its recorded size and SHA-256"
            )
        return plain

    def delete(self, tenant: str, subject_id: str, attachment_id: str) -> bool:
        """Deletes one file → whether it existed."""
        result = self.conn.execute(
            delete(attachments).where(
                attachments.c.tenant_id == tenant,
                attachments.c.subject_id == subject_id,
                attachments.c.id == attachment_id,
            )
        )
        return bool(result.rowcount)

    def delete_all(self, tenant: str, subject_id: str) -> int:
        """Deletes every file of the subject (its erasure) → how many."""
        result = self.conn.execute(
            delete(attachments).where(
                attachments.c.tenant_id == tenant, attachments.c.subject_id == subject_id
            )
        )
        return int(result.rowcount or 0)

    def _cipher(self, tenant: str, subject_id: str) -> crypto.SubjectCipher:
        key = self.keystore.get(tenant, subject_id)
        if key is None:
            raise SubjectShredded(subject_id)
        return crypto.SubjectCipher(key, tenant, subject_id)


def _attachment(m: RowMapping) -> Attachment:
    return Attachment(
        id=m["id"],
        subject=m["subject_id"],
        field=m["field"],
        media_type=m["media_type"],
        size=m["size"],
        sha256=m["sha256"],
        created_at=m["created_at"],
    )
