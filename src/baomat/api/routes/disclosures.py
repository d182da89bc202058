"""Sharing a subject's data: with a partner, on a state agency's request, and what the subject sees.

A website's backend hands a routine recipient (a partner, a processor) its
contract's fields (`POST /v1/subjects/{subject_id}/disclosures`, API key).
Staff enter a state agency's formal request, which releases nothing until a
dpo other than the one who entered it approves (`/v1/authority-requests`).
A subject lists who received their data, confidential disclosures excepted
(`GET /v1/me/disclosures`). The tenant is always the credential's.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from baomat.api import errors
from baomat.api.deps import (
    ClockDep,
    PolicyDep,
    RuntimeDep,
    SubjectDep,
    TenantDep,
    UowDep,
    policy_of,
    require,
)
from baomat.domain.disclosure import Disclosure
from baomat.domain.login import Principal
from baomat.domain.roles import Permission
from baomat.services import disclosures

router = APIRouter(tags=["disclosures"], responses=errors.responses(401, 403, 422))

Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=256)]
SubjectId = Annotated[str, Path(max_length=64, description="The subject's pseudonymous id.")]
DisclosureId = Annotated[str, Path(max_length=64, description="The disclosure's id.")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class PartnerDisclosure(_Body):
    """`{"recipient": "technical_partner", "purpose": "technical_support_and_disputes"}`."""

    recipient: Name
    """A routine recipient of the policy (`recipients[].id`): a partner or a processor."""
    purpose: Name


class Released(BaseModel):
    id: str
    """The disclosure's id: the record of this hand-over."""
    recipient: str
    fields: list[str]
    values: dict[str, str]
    """The released fields' values the subject holds: hand them to the recipient."""


class AuthorityRequest(_Body):
    subject_id: Name
    recipient: Name
    """The state agency (`recipients[].id`, kind state_agency)."""
    body: Text
    """The kind of requesting body: procuracy, court, police or other."""
    document_number: Text
    document_date: dt.date
    legal_basis: Name
    """The basis the law allows without consent, e.g. `legal_obligation`."""
    fields: Annotated[list[Name], Field(min_length=1, max_length=256)]
    confidential: StrictBool = False
    """Kept from the subject (e.g. during an investigation)."""


class Rejection(_Body):
    reason: Name
    """A reason code: no_legal_basis, not_a_formal_request, entered_by_mistake, ..."""


class DisclosureOut(BaseModel):
    id: str
    subject: str
    recipient: str
    purpose: str | None
    fields: list[str]
    legal_basis: str
    status: str
    requested_by: str
    requested_at: dt.datetime
    confidential: bool
    authority_body: str | None
    document_number: str | None
    document_date: dt.date | None
    decided_by: str | None
    decided_at: dt.datetime | None
    released_at: dt.datetime | None

    @classmethod
    def of(cls, d: Disclosure) -> DisclosureOut:
        return cls.model_validate(d, from_attributes=True)


class Pending(BaseModel):
    disclosures: list[DisclosureOut]


class Approved(BaseModel):
    id: str
    values: dict[str, str]
    """The values handed over this once; nothing keeps them."""


class SubjectDisclosure(BaseModel):
    """What the subject is told of one disclosure: who, for what, which fields, when."""

    recipient: str
    purpose: str | None
    fields: list[str]
    legal_basis: str
    status: str
    requested_at: dt.datetime
    released_at: dt.datetime | None


class MyDisclosures(BaseModel):
    disclosures: list[SubjectDisclosure]


@router.post(
    "/subjects/{subject_id}/disclosures",
    status_code=201,
    responses=errors.responses(400, 404, 413),
)
def disclose(
    subject_id: SubjectId,
    body: PartnerDisclosure,
    tenant: TenantDep,
    policy: PolicyDep,
    uow: UowDep,
    now: ClockDep,
) -> Released:
    """Hands a routine recipient its contract's fields of the subject, recorded and audited."""
    d, values = disclosures.disclose_to_partner(
        uow, policy, subject_id, body.recipient, body.purpose, tenant.actor, now
    )
    return Released(id=d.id, recipient=d.recipient, fields=list(d.fields), values=values)


@router.post("/authority-requests", status_code=201, responses=errors.responses(400, 404, 409, 413))
def record_authority_request(
    body: AuthorityRequest,
    staff: Annotated[Principal, require(Permission.RECORD_DISCLOSURE)],
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
) -> DisclosureOut:
    """Records a state agency's formal request, pending a dpo's approval; nothing is released."""
    d = disclosures.record_authority_request(
        uow,
        policy_of(runtime, staff.tenant),
        body.subject_id,
        body.recipient,
        body.body,
        body.document_number,
        body.document_date,
        body.legal_basis,
        body.fields,
        body.confidential,
        staff.actor,
        now,
    )
    return DisclosureOut.of(d)


@router.get("/authority-requests")
def pending_authority_requests(
    staff: Annotated[Principal, require(Permission.READ_REGISTERS)], uow: UowDep
) -> Pending:
    """State agencies' requests awaiting a dpo, oldest first."""
    found = disclosures.list_pending(uow, staff.tenant)
    return Pending(disclosures=[DisclosureOut.of(d) for d in found])


@router.post("/authority-requests/{disclosure_id}/approve", responses=errors.responses(404, 409))
def approve_authority_request(
    disclosure_id: DisclosureId,
    staff: Annotated[Principal, require(Permission.APPROVE_AUTHORITY_DISCLOSURE)],
    runtime: RuntimeDep,
    uow: UowDep,
    now: ClockDep,
) -> Approved:
    """A dpo other than the one who entered it approves → the values, released this once."""
    role = "" if staff.role is None else staff.role.value
    values = disclosures.approve(
        uow, policy_of(runtime, staff.tenant), disclosure_id, staff.actor, role, now
    )
    return Approved(id=disclosure_id, values=values)


@router.post(
    "/authority-requests/{disclosure_id}/reject",
    responses=errors.responses(400, 404, 409, 413),
)
def reject_authority_request(
    disclosure_id: DisclosureId,
    body: Rejection,
    staff: Annotated[Principal, require(Permission.APPROVE_AUTHORITY_DISCLOSURE)],
    uow: UowDep,
    now: ClockDep,
) -> DisclosureOut:
    """A dpo refuses the request for a reason code; nothing is released."""
    role = "" if staff.role is None else staff.role.value
    d = disclosures.reject(uow, staff.tenant, disclosure_id, staff.actor, role, body.reason, now)
    return DisclosureOut.of(d)


@router.get("/me/disclosures", responses=errors.responses(404))
def my_disclosures(subject: SubjectDep, uow: UowDep) -> MyDisclosures:
    """Who received, or asked for, the subject's data; confidential ones are not shown."""
    found = disclosures.list_for_subject(
        uow, subject.tenant, subject.id, include_confidential=False
    )
    return MyDisclosures(
        disclosures=[SubjectDisclosure.model_validate(d, from_attributes=True) for d in found]
    )
