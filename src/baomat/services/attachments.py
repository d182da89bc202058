"""Use cases about a subject's attached files: upload, list, download for a purpose, delete.

    a = upload(uow, wesale, seller_id, "legal_documents", pdf, "application/pdf", "crm", now)
    download(uow, wesale, seller_id, a.id, "technical_support_and_disputes", "crm", now)
    -> (a, pdf)  # audited as `attachment.read`, refused downloads too

Only a declared `type: file` field of the subject's type takes files, within
its `file` limits (`domain.attachments.check_file`). A file is sealed with
the subject's data key, so erasing the subject (which also deletes the rows)
leaves every file of it unreadable, in backups too
(docs/decisions/006-attachments.md). Each upload and deletion commits with
its audit entry (field names and ids, never content or file names).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

from baomat.domain.attachments import Attachment, check_file
from baomat.domain.audit import AuditEvent
from baomat.domain.decision import NOT_FOUND_REASONS, Denied
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.domain.normalise import InvalidValue
from baomat.policy.model import DataType, FileLimits, Policy
from baomat.services import decisions, holds
from baomat.store.subjects import SubjectRecord
from baomat.store.uow import UnitOfWork

_NOT_FOUND = "attachment not found"


def upload(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    field: str,
    content: bytes,
    media_type: str | None,
    actor: str,
    at: dt.datetime,
) -> Attachment:
    """Stores a file in one of the subject's file fields → its description (id, type, digest).

    NotFound for a subject not this tenant's, or erased; Invalid naming the
    field for a field that takes no files or a file its limits refuse
    (empty, too large, a media type the field does not take, or content that
    is not what `media_type` declares).
    """
    digest = hashlib.sha256(content).hexdigest()  # before the transaction: up to 50 MiB
    with uow:
        record = _live(uow, policy.tenant, subject_id, lock=True)
        spec = policy.field(record.subject_type, field)
        if spec is None or spec.type is not DataType.FILE:
            raise Invalid(field, f"is not a file field of subject type '{record.subject_type}'")
        limits = spec.file or FileLimits()
        try:
            stored_type = check_file(
                content, media_type, max_bytes=limits.max_bytes, media_types=limits.media_types
            )
        except InvalidValue as exc:
            raise Invalid(field, exc.rule) from None
        # 128 random bits, as a subject's id: nothing about the file in it. The time in UTC,
        # as the store gives it back, so an upload's answer and a later listing agree.
        attachment = Attachment(
            os.urandom(16).hex(),
            record.id,
            field,
            stored_type,
            len(content),
            digest,
            at.astimezone(dt.UTC),
        )
        uow.attachments.add(policy.tenant, attachment, content)
        uow.audit.append(policy.tenant, [_event(actor, "attachment.add", attachment)], at)
        uow.commit()
    return attachment


def list_for_subject(uow: UnitOfWork, tenant: str, subject_id: str) -> list[Attachment]:
    """The subject's files, oldest first: descriptions only, so not audited as a read."""
    with uow:
        _live(uow, tenant, subject_id)
        return uow.attachments.for_subject(tenant, subject_id)


def download(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    attachment_id: str,
    purpose: str,
    actor: str,
    at: dt.datetime,
) -> tuple[Attachment, bytes]:
    """A file and its bytes, for a purpose that a decision allows to use its field.

    As `services.subjects.read`: the decision (a declared purpose that uses
    the field, no restriction or objection, consent for an opt-in purpose) is
    audited as `attachment.read` with the purpose and the attachment's id in
    the same transaction, refusals too (Denied with the reason). NotFound,
    unaudited, for a file that is not this subject's: nothing was read, and
    an id nobody issued never enters the audit chain.
    """
    with uow:
        found = uow.attachments.get(policy.tenant, subject_id, attachment_id)
        if found is None:
            raise NotFound(_NOT_FOUND)
        decision = decisions.decide_within(
            uow,
            policy,
            subject_id,
            purpose,
            [found.field],
            None,
            actor,
            at,
            action="attachment.read",
            outcomes=("ok", "denied"),
            about={"attachment": found.id},
        )
        if not decision.allowed:
            uow.commit()
            if decision.reason in NOT_FOUND_REASONS:
                raise NotFound(_NOT_FOUND)
            raise Denied(decision)
        content = uow.attachments.content(policy.tenant, found)
        uow.commit()
    return found, content


def delete(
    uow: UnitOfWork, tenant: str, subject_id: str, attachment_id: str, actor: str, at: dt.datetime
) -> None:
    """Deletes one file, audited; Conflict while a legal hold keeps the subject's data.

    The row goes; copies of the store taken before keep the sealed file,
    readable with the subject's key until the subject is erased (decision 006).
    """
    with uow:
        _live(uow, tenant, subject_id, lock=True)
        found = uow.attachments.get(tenant, subject_id, attachment_id)
        if found is None:
            raise NotFound(_NOT_FOUND)
        blocked = holds.blocking(uow, tenant, subject_id)
        if blocked is not None:
            raise Conflict(f"attachment: {blocked}")
        uow.attachments.delete(tenant, subject_id, attachment_id)
        uow.audit.append(tenant, [_event(actor, "attachment.delete", found)], at)
        uow.commit()


def _live(uow: UnitOfWork, tenant: str, subject_id: str, *, lock: bool = False) -> SubjectRecord:
    """The subject, locked against a concurrent erasure when `lock`; NotFound unless live."""
    record = uow.subjects.lock(tenant, subject_id) if lock else uow.subjects.get(tenant, subject_id)
    if record is None or record.status == "erased":
        raise NotFound("subject not found")
    return record


def _event(actor: str, action: str, attachment: Attachment) -> AuditEvent:
    return AuditEvent(
        actor,
        action,
        attachment.subject,
        (attachment.field,),
        detail={
            "attachment": attachment.id,
            "media_type": attachment.media_type,
            "bytes": attachment.size,
        },
    )
