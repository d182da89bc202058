"""`/v1/subjects`: store and update a data subject's values, read them for a purpose, set the
password they log in with, close the account, erase them.

Every read names a purpose of the tenant's policy and is audited with the
API key as actor, refused reads included.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from baomat.api import errors
from baomat.api.deps import ClockDep, PolicyDep, TenantDep, UowDep
from baomat.domain.login import MAX_PASSWORD
from baomat.policy.model import PiiHandling
from baomat.services import subject_login, subjects

router = APIRouter(prefix="/subjects", tags=["subjects"], responses=errors.responses(401, 422))

Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
SubjectId = Annotated[str, Path(max_length=64, description="The subject's pseudonymous id.")]


class NewSubject(BaseModel):
    """`{"subject_type": "member", "values": {"full_name": "...", "email": "..."}}`."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    subject_type: Name
    values: Annotated[dict[Name, str], Field(max_length=256)]
    """Field id → value; only fields the policy declares for the type are accepted."""


class Changes(BaseModel):
    """`{"values": {"phone": "0912 345 678", "address": null}}`."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    values: Annotated[dict[Name, str | None], Field(min_length=1, max_length=256)]
    """Field id → new value; null or "" clears an optional field. Fields not named stay."""


class NewPassword(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    password: Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD * 4)]
    """At least 12 characters once normalised, not containing the subject's id."""


class PiiInField(BaseModel):
    """`{"handling": "flag", "counts": {"email": 1, "phone": 1}}`: never a value."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    handling: PiiHandling
    """`flag`: stored as written; `redact`: each find stored as `[kind]`."""
    counts: dict[str, int]
    """Kind of personal data (`phone`, `email`, `citizen_id`, ...) → how many were found."""


PiiFound = Annotated[
    dict[str, PiiInField],
    Field(description="Free-text field → the personal data found in it; {} when none was."),
]


class Created(BaseModel):
    id: str
    pii_found: PiiFound


class Updated(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    fields: list[str]
    """The fields set or cleared."""
    pii_found: PiiFound


class SubjectValues(BaseModel):
    id: str
    purpose: str
    values: dict[str, str]


@router.post("", status_code=201, responses=errors.responses(400, 409, 413))
def create_subject(
    body: NewSubject, tenant: TenantDep, policy: PolicyDep, uow: UowDep, now: ClockDep
) -> Created:
    """Stores a subject's values under the tenant's current policy → its pseudonymous id, and
    the personal data found in its free-text fields by kind and count (never a value).

    409 naming the field when a value the policy makes `unique` (an account's
    email) is already another subject's of the type.
    """
    [(subject_id, found)] = subjects.register_scanned(
        uow, policy, body.subject_type, [body.values], tenant.actor, now
    )
    return Created(id=subject_id, pii_found=_pii_found(found))


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


@router.patch("/{subject_id}", responses=errors.responses(400, 404, 409, 413))
def update_subject(
    subject_id: SubjectId,
    body: Changes,
    tenant: TenantDep,
    policy: PolicyDep,
    uow: UowDep,
    now: ClockDep,
) -> Updated:
    """Sets or clears some of the subject's values, checked as at registration → the fields,
    and the personal data found in the free text given, by kind and count.

    404 for a subject not this tenant's or erased; 409 when the account is
    closed, an erasure won a race with this call, or a `unique` value is
    another subject's.
    """
    changed, found = subjects.update_scanned(
        uow, policy, subject_id, body.values, tenant.actor, now
    )
    return Updated(id=subject_id, fields=changed, pii_found=_pii_found(found))


@router.post("/{subject_id}/password", status_code=204, responses=errors.responses(400, 404, 413))
def set_password(
    subject_id: SubjectId, body: NewPassword, tenant: TenantDep, uow: UowDep, now: ClockDep
) -> None:
    """Sets (or replaces) the password the subject logs in with to baomat's self-service
    (`POST /v1/subjects/login`); their failed attempts and a lock are cleared."""
    subject_login.set_password(uow, tenant.id, subject_id, body.password, tenant.actor, now)


@router.delete("/{subject_id}", status_code=204, responses=errors.responses(404, 409))
def erase_subject(subject_id: SubjectId, tenant: TenantDep, uow: UowDep, now: ClockDep) -> None:
    """Erases the subject at their request: values deleted, data key shredded, audit kept."""
    subjects.erase(uow, tenant.id, subject_id, "subject_request", tenant.actor, now)


@router.post("/{subject_id}/close", status_code=204, responses=errors.responses(404, 409))
def close_account(subject_id: SubjectId, tenant: TenantDep, uow: UowDep, now: ClockDep) -> None:
    """Records that the subject's account closed (the user stopped using the site).

    Retention periods that run from closure start now (`retention[].trigger`
    after_closure; until_cancelled and while_needed erase from it); 409 when
    already closed.
    """
    subjects.close_account(uow, tenant.id, subject_id, tenant.actor, now)


def _pii_found(found: subjects.PiiFound) -> dict[str, PiiInField]:
    return {
        name: PiiInField(handling=handling, counts={k.value: n for k, n in sorted(tally.items())})
        for name, (handling, tally) in sorted(found.items())
    }
