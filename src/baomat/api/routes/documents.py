"""Compliance documents for staff: the record of processing, the draft DPIA, the fides map.

`GET /v1/documents/ropa?lang=vi&format=pdf` and `GET /v1/documents/dpia?…`
answer the caller's tenant's document drawn now from its policy in force and
its store's counts; `GET /v1/documents/fides?lang=en` its data map in
fideslang's format (JSON). Readers: the DPO, the auditor and the admin.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from baomat.api import errors
from baomat.api.deps import ClockDep, RuntimeDep, policy_of, require
from baomat.domain.login import Principal
from baomat.domain.roles import Permission
from baomat.policy import fides
from baomat.services import records

router = APIRouter(tags=["documents"], responses=errors.responses(401, 403, 422))


Reader = Annotated[Principal, require(Permission.READ_REGISTERS, Permission.MANAGE_STAFF)]
"""The DPO and the auditor, who read the registers, or the admin."""
Lang = Annotated[Literal["vi", "en"], Query(description="The document's language.")]
Format = Annotated[Literal["html", "pdf"], Query(description="HTML page or PDF file.")]

_MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}
_DOCUMENT: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The document, drawn now from the policy in force and the live counts.",
    }
}


@router.get("/documents/ropa", response_class=Response, responses=_DOCUMENT)
def ropa(staff: Reader, runtime: RuntimeDep, now: ClockDep, lang: Lang = "vi",
         format: Format = "html") -> Response:  # fmt: skip
    """The record of processing activities."""
    return _document("ropa", staff, runtime, now, lang, format)


@router.get("/documents/dpia", response_class=Response, responses=_DOCUMENT)
def dpia(staff: Reader, runtime: RuntimeDep, now: ClockDep, lang: Lang = "vi",
         format: Format = "html") -> Response:  # fmt: skip
    """The draft impact-assessment dossier: items the data cannot tell are marked to complete."""
    return _document("dpia", staff, runtime, now, lang, format)


@router.get("/documents/fides")
def fides_map(staff: Reader, runtime: RuntimeDep, lang: Lang = "en") -> dict[str, Any]:
    """The data map in fideslang's format: organization, systems, dataset."""
    return fides.export(policy_of(runtime, staff.tenant), lang)


def _document(
    kind: str, staff: Principal, runtime: RuntimeDep, now: ClockDep, lang: str, fmt: str
) -> Response:
    policy = policy_of(runtime, staff.tenant)
    doc = records.document(runtime.app.uow(read_only=True), policy, kind, lang, now)
    return Response(
        records.render(doc, fmt, now),
        media_type=_MEDIA[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{staff.tenant}-{kind}-{lang}.{fmt}"',
            **_HEADERS,
        },
    )
