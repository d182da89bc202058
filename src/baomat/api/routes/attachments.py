"""`/v1/subjects/{subject_id}/attachments`: a subject's files — upload, list, download, delete.

    curl -H "Authorization: Bearer bm_..." -F field=legal_documents \\
         -F "file=@so-do.pdf;type=application/pdf" .../v1/subjects/9f2c…/attachments

A download names a purpose of the tenant's policy that uses the file's field
and is audited with the API key as actor, refused ones included. An upload's
body may be as large as the largest file a policy can allow (`UPLOAD_MAX_BYTES`,
raised for this route alone in `create_app`); the field's own `file.max_bytes`
is checked by the service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from baomat.api import errors
from baomat.api.deps import ClockDep, PolicyDep, RuntimeDep, TenantDep, UowDep
from baomat.domain.attachments import EXTENSIONS, MAX_BYTES, Attachment
from baomat.domain.errors import Invalid
from baomat.services import attachments

router = APIRouter(
    prefix="/subjects/{subject_id}/attachments",
    tags=["attachments"],
    responses=errors.responses(401, 404, 422),
)

UPLOAD_PATH = "/v1" + router.prefix
UPLOAD_MAX_BYTES = MAX_BYTES + 64 * 1024
"""The largest file a policy may allow, and room for the multipart framing and `field`."""

SubjectId = Annotated[str, Path(max_length=64, description="The subject's pseudonymous id.")]
AttachmentId = Annotated[str, Path(max_length=64, description="The attachment's id.")]

_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["field", "file"],
                    "properties": {
                        "field": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": 64,
                            "description": "The id of a `type: file` field of the subject's type.",
                        },
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The file, its part's Content-Type one of the "
                            "field's `file.media_types`; the content must be of that type.",
                        },
                    },
                },
                "encoding": {"file": {"contentType": ", ".join(EXTENSIONS)}},
            }
        },
    }
}

_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in EXTENSIONS},
        "description": "The file, with the media type it was stored with.",
    }
}


class AttachmentOut(BaseModel):
    """A stored file's description; its content only comes from a download for a purpose."""

    id: str
    field: str
    media_type: str
    size: int
    sha256: str
    created_at: dt.datetime

    @classmethod
    def of(cls, a: Attachment) -> AttachmentOut:
        return cls(
            id=a.id,
            field=a.field,
            media_type=a.media_type,
            size=a.size,
            sha256=a.sha256,
            created_at=a.created_at,
        )


class Attachments(BaseModel):
    attachments: list[AttachmentOut]


@dataclass(frozen=True, slots=True)
class Upload:
    field: str
    content: bytes
    media_type: str | None


class _InMemoryParser(MultiPartParser):
    # Starlette spools a file part over 1 MiB to a temporary file: a personal document
    # would sit on disk unencrypted. `max_size=0` never rolls over; `BodyLimit` bounds it.
    spool_max_size = 0


async def _upload(request: Request, _tenant: TenantDep) -> Upload:
    """The multipart body's `field` and `file`, read only once the API key is known."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise Invalid("body", "must be multipart/form-data with the parts field and file")
    parser = _InMemoryParser(
        request.headers, request.stream(), max_files=1, max_fields=1, max_part_size=1024
    )
    try:
        form = await parser.parse()
    except MultiPartException:
        # Its message names the broken rule (a missing boundary, too many parts), no content.
        raise Invalid("body", "is not multipart/form-data with the parts field and file") from None
    try:
        field, file = form.get("field"), form.get("file")
        if not isinstance(field, str) or not 1 <= len(field) <= 64:
            raise Invalid("field", "is required: a file field's id, 1 to 64 characters")
        if not isinstance(file, UploadFile):
            raise Invalid("file", "is required: a part with a file name and a Content-Type")
        return Upload(field, await file.read(), file.content_type)
    finally:
        await form.close()


UploadDep = Annotated[Upload, Depends(_upload)]


@router.post("", status_code=201, responses=errors.responses(400, 413), openapi_extra=_UPLOAD_BODY)
def upload_attachment(
    subject_id: SubjectId,
    upload: UploadDep,
    tenant: TenantDep,
    policy: PolicyDep,
    uow: UowDep,
    now: ClockDep,
) -> AttachmentOut:
    """Stores a file in a file field of the subject → its description; 422 names the field."""
    stored = attachments.upload(
        uow, policy, subject_id, upload.field, upload.content, upload.media_type, tenant.actor, now
    )
    return AttachmentOut.of(stored)


@router.get("")
def list_attachments(subject_id: SubjectId, tenant: TenantDep, runtime: RuntimeDep) -> Attachments:
    """The subject's files, oldest first: descriptions only."""
    # Only reads: on SQLite it need not wait behind an upload that is being written.
    uow = runtime.app.uow(read_only=True)
    found = attachments.list_for_subject(uow, tenant.id, subject_id)
    return Attachments(attachments=[AttachmentOut.of(a) for a in found])


@router.get(
    "/{attachment_id}",
    response_class=Response,
    responses={**_FILE, **errors.responses(403)},
)
def download_attachment(
    subject_id: SubjectId,
    attachment_id: AttachmentId,
    purpose: Annotated[str, Query(min_length=1, max_length=64)],
    tenant: TenantDep,
    policy: PolicyDep,
    uow: UowDep,
    now: ClockDep,
) -> Response:
    """The file, if the purpose uses its field (else 422); the download is audited."""
    found, content = attachments.download(
        uow, policy, subject_id, attachment_id, purpose, tenant.actor, now
    )
    return Response(
        content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete("/{attachment_id}", status_code=204, responses=errors.responses(409))
def delete_attachment(
    subject_id: SubjectId,
    attachment_id: AttachmentId,
    tenant: TenantDep,
    uow: UowDep,
    now: ClockDep,
) -> None:
    """Deletes one file of the subject; 409 while a legal hold keeps the subject's data."""
    attachments.delete(uow, tenant.id, subject_id, attachment_id, tenant.actor, now)
