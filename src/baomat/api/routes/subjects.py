"""`/v1/subjects`: store a data subject's values, read them for a purpose, erase them.

Every read names a purpose of the tenant's policy and is audited with the
API key as actor, refused reads included.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from baomat.api import errors
from baomat.api.deps import ClockDep, PolicyDep, TenantDep, UowDep
from baomat.services import subjects

router = APIRouter(prefix="/subjects", tags=["subjects"], responses=errors.responses(401, 422))

Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
SubjectId = Annotated[str, Path(max_length=64, description="The subject's pseudonymous id.")]


class NewSubject(BaseModel):
    """`{"subject_type": "member", "values": {"full_name": "...", "email": "..."}}`."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    subject_type: Name
    values: Annotated[dict[Name, str], Field(max_length=256)]
    """Field id → value; only fields the policy declares for the type are accepted."""


class Created(BaseModel):
    id: str


class SubjectValues(BaseModel):
    id: str
    purpose: str
    values: dict[str, str]


@router.post("", status_code=201, responses=errors.responses(400, 413))
def create_subject(
    body: NewSubject, tenant: TenantDep, policy: PolicyDep, uow: UowDep, now: ClockDep
) -> Created:
    """Stores a subject's values under the tenant's current policy → its pseudonymous id."""
    [subject_id] = subjects.register(
        uow, policy, body.subject_type, [body.values], tenant.actor, now
    )
    return Created(id=subject_id)


@router.get("/{subject_id}", responses=errors.responses(403, 404))
def read_subject(
    subject_id: SubjectId,
    purpose: Annotated[str, Query(min_length=1, max_length=64)],
    fields: Annotated[str, Query(min_length=1, max_length=4096, description="a,b,c")],
    tenant: TenantDep,
    policy: PolicyDep,
    uow: UowDep,
    now: ClockDep,
) -> SubjectValues:
    """The named fields' values, if the purpose uses every one of them (else 422)."""
    names = [name.strip() for name in fields.split(",") if name.strip()]
    values = subjects.read(uow, policy, subject_id, names, purpose, tenant.actor, now)
    return SubjectValues(id=subject_id, purpose=purpose, values=values)


@router.delete("/{subject_id}", status_code=204, responses=errors.responses(404, 409))
def erase_subject(subject_id: SubjectId, tenant: TenantDep, uow: UowDep, now: ClockDep) -> None:
    """Erases the subject at their request: values deleted, data key shredded, audit kept."""
    subjects.erase(uow, tenant.id, subject_id, "subject_request", tenant.actor, now)
