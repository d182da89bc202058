"""Data subjects' rights requests: filed by the subject or entered by staff, then worked by staff.

A logged-in subject files a request (`POST /v1/me/requests`), carried out at
once where the tenant promises self-service and nothing needs a person (see
`services.rights.file_own`), follows it (`GET /v1/me/requests`) and
downloads an export of their data as a ZIP
(`GET /v1/me/requests/{request_id}/export`). Staff enter a request made by
phone, post or at the desk after verifying who asks (`POST /v1/requests`),
work the queue (`GET /v1/requests`), fulfil a request by its kind, and
extend or refuse it with the reason the subject is told. The tenant is
always the credential's.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from baomat.api import errors
from baomat.api.deps import ClockDep, RuntimeDep, SubjectDep, UowDep, policy_of, require
from baomat.domain.errors import Invalid, NotFound
from baomat.domain.login import Principal
from baomat.domain.rights import Kind, RightsRequest
from baomat.domain.roles import Permission
from baomat.services import rights

router = APIRouter(tags=["rights"], responses=errors.responses(401, 403, 422))

Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
RequestId = Annotated[str, Path(max_length=64, description="The rights request's id.")]
Detail = Annotated[dict[Name, Any], Field(max_length=16)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class NewRequest(_Body):
    """`{"kind": "delete"}`, `{"kind": "withdraw", "detail": {"purpose": "marketing_email"}}`."""

    kind: Name
    """access, export, correct, delete, withdraw, restrict or object."""
    detail: Detail | None = None
    """`{"purpose": id}` for withdraw, restrict, object; `{"fields": [ids]}` for correct."""


Values = Annotated[
    dict[Name, Annotated[str, StringConstraints(max_length=4096)]], Field(max_length=256)
]


class OwnRequest(NewRequest):
    """`{"kind": "correct", "values": {"address": "12 Lý Tự Trọng, Quận 1"}}`."""

    values: Values | None = None
    """For a correction: field id → new value (empty removes an optional field); without it,
    staff carry the correction out."""


class AssistedRequest(NewRequest):
    subject_id: Name
    identity_method: Name
    """How staff verified the requester, e.g. `document_checked`."""


class Fulfilment(_Body):
    values: Values | None = None
    """For a correction: field id → new value (empty removes an optional field)."""


class Explanation(_Body):
    reason: Reason
    """Told to the subject."""


class RequestOut(BaseModel):
    id: str
    subject: str
    kind: str
    channel: str
    state: str
    received_at: dt.datetime
    acknowledge_due: dt.datetime | None
    due_at: dt.datetime
    extended_due: dt.datetime | None
    extension_reason: str | None
    refusal_reason: str | None
    purpose: str | None
    fields: list[str]
    completed_at: dt.datetime | None

    @classmethod
    def of(cls, request: RightsRequest) -> RequestOut:
        return cls.model_validate(request, from_attributes=True)


class FiledOut(RequestOut):
    report: dict[str, Any] | None = None
    """For an access request carried out at once: everything held about the subject."""


class Requests(BaseModel):
    requests: list[RequestOut]


class Fulfilled(BaseModel):
    request: RequestOut
    report: dict[str, Any] | None = None
    """For an access request: everything held about the subject."""


ZIP: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/zip": {}}, "description": "The subject's data as a ZIP."}
}


@router.post("/me/requests", status_code=201, responses=errors.responses(400, 404, 409, 413))
def file_request(
    body: OwnRequest, subject: SubjectDep, runtime: RuntimeDep, uow: UowDep, now: ClockDep
) -> FiledOut:
    """The subject files a request → the receipt, with its acknowledgement and completion due.

    Carried out at once when nothing needs a person: the state is then done
    (an access request's answer holds the report), or refused with the reason
    (a legal hold keeps the data, no consent is in force). An export waits for
    its download; a correction without values, and a restriction or objection
    of a purpose the subject's contract needs, wait for staff.
    """
    filed = rights.file_own(
        uow,
        policy_of(runtime, subject.tenant),
        subject.id,
        body.kind,
        body.detail,
        body.values,
        subject.actor,
        now,
    )
    report = None if filed.report is None else filed.report.as_dict()
    return FiledOut(**RequestOut.of(filed.request).model_dump(), report=report)


@router.get("/me/requests")
def my_requests(subject: SubjectDep, uow: UowDep) -> Requests:
    """The subject's requests, oldest first."""
    found = rights.list_for_subject(uow, subject.tenant, subject.id)
    return Requests(requests=[RequestOut.of(r) for r in found])


@router.get(
    "/me/requests/{request_id}/export",
    response_class=Response,
    responses={**ZIP, **errors.responses(404, 409)},
)
def export_my_data(
    request_id: RequestId, subject: SubjectDep, runtime: RuntimeDep, uow: UowDep, now: ClockDep
) -> Response:
    """Fulfils the subject's own export request → one ZIP of everything held about them."""
    if rights.get(uow, subject.tenant, request_id).subject != subject.id:
        raise NotFound("rights request not found")
    data = rights.export(uow, policy_of(runtime, subject.tenant), request_id, subject.actor, now)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="baomat-{request_id}.zip"'},
    )


@router.post("/requests", status_code=201, responses=errors.responses(400, 404, 413))
def enter_request(
    body: AssistedRequest,
    staff: Annotated[Principal, require(Permission.RECORD_ASSISTED_REQUEST)],
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
) -> RequestOut:
    """Staff enter a request made by phone, post or in person, after verifying the requester."""
    request = rights.submit(
        uow,
        policy_of(runtime, staff.tenant),
        body.subject_id,
        body.kind,
        "assisted",
        body.detail,
        staff.actor,
        now,
        identity_method=body.identity_method,
    )
    return RequestOut.of(request)


@router.get("/requests")
def request_queue(
    staff: Annotated[Principal, require(Permission.WORK_REQUESTS)],
    uow: UowDep,
    now: ClockDep,
    state: Annotated[str | None, Query(max_length=32)] = None,
    overdue: bool = False,
) -> Requests:
    """Requests in `state` (default: every open one), least time left first; `overdue` only."""
    found = rights.list_requests(
        uow, staff.tenant, state=state, overdue_at=now if overdue else None
    )
    return Requests(requests=[RequestOut.of(r) for r in found])


@router.post("/requests/{request_id}/fulfil", responses=errors.responses(400, 404, 409, 413))
def fulfil_request(
    request_id: RequestId,
    staff: Annotated[Principal, require(Permission.WORK_REQUESTS)],
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
    body: Fulfilment | None = None,
) -> Fulfilled:
    """Carries out the request by its kind: access, correct, delete, withdraw, restrict, object."""
    policy = policy_of(runtime, staff.tenant)
    kind = rights.get(uow, staff.tenant, request_id).kind
    if kind is Kind.ACCESS:
        report = rights.access(uow, policy, request_id, staff.actor, now)
        done = rights.get(uow, staff.tenant, request_id)
        return Fulfilled(request=RequestOut.of(done), report=report.as_dict())
    if kind is Kind.CORRECT:
        values = {} if body is None or body.values is None else body.values
        request = rights.correct(uow, policy, request_id, values, staff.actor, now)
    elif kind is Kind.DELETE:
        request = rights.delete(uow, policy, request_id, staff.actor, now)
    elif kind is Kind.WITHDRAW:
        request = rights.withdraw(uow, policy, request_id, staff.actor, now)
    elif kind in (Kind.RESTRICT, Kind.OBJECT):
        request = rights.limit(uow, policy, request_id, staff.actor, now)
    else:
        raise Invalid("request", "an export is the subject's own download")
    return Fulfilled(request=RequestOut.of(request))


@router.post("/requests/{request_id}/extend", responses=errors.responses(400, 404, 409, 413))
def extend_request(
    request_id: RequestId,
    body: Explanation,
    staff: Annotated[Principal, require(Permission.DECIDE_REQUESTS)],
    uow: UowDep,
    now: ClockDep,
) -> RequestOut:
    """Extends the completion deadline once, by the law profile's maximum, with the reason."""
    return RequestOut.of(
        rights.extend(uow, staff.tenant, request_id, body.reason, staff.actor, now)
    )


@router.post("/requests/{request_id}/refuse", responses=errors.responses(400, 404, 409, 413))
def refuse_request(
    request_id: RequestId,
    body: Explanation,
    staff: Annotated[Principal, require(Permission.DECIDE_REQUESTS)],
    uow: UowDep,
    now: ClockDep,
) -> RequestOut:
    """Refuses an open request with the reason the subject is told."""
    return RequestOut.of(
        rights.refuse(uow, staff.tenant, request_id, body.reason, staff.actor, now)
    )
