"""`/v1/subjects/{subject_id}/consents`: record a subject's consent with its proof, withdraw it.

Consent is the subject's own act (Decree 13 Arts. 11–12): `given` must be
JSON `true`, `preticked` absent or `false`, and `text_sha256` the SHA-256 of
the purpose's text in the language shown. The client's IP and user agent are
kept encrypted and never returned.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StringConstraints

from baomat.api import errors
from baomat.api.deps import ClockDep, PolicyDep, TenantDep, UowDep
from baomat.domain.consent import Consent, ConsentRequest
from baomat.services import consents

router = APIRouter(
    prefix="/subjects/{subject_id}/consents",
    tags=["consents"],
    responses=errors.responses(401, 422),
)

Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
SubjectId = Annotated[str, Path(max_length=64, description="The subject's pseudonymous id.")]


class NewConsent(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    purpose: Name
    policy_version: StrictInt
    """The policy version the subject was shown: the tenant's current one."""
    text_sha256: Annotated[str, StringConstraints(max_length=64)]
    """SHA-256 (hex) of the purpose's text, in `language`, exactly as shown."""
    language: Annotated[str, StringConstraints(max_length=8)]
    channel: Annotated[str, StringConstraints(max_length=16)]
    """web, app, phone or paper."""
    given: StrictBool | None = None
    """`true`, sent for the subject's own affirmative act; anything else is no consent."""
    preticked: StrictBool | None = None
    """Whether the box was ticked before the subject touched it: must be absent or false."""
    ip: Annotated[str, StringConstraints(max_length=64)] | None = None
    user_agent: Annotated[str, StringConstraints(max_length=1024)] | None = None


class ConsentOut(BaseModel):
    id: str
    purpose: str
    policy_version: int
    language: str
    channel: str
    given_at: dt.datetime
    withdrawn_at: dt.datetime | None

    @classmethod
    def of(cls, consent: Consent) -> ConsentOut:
        return cls(
            id=consent.id,
            purpose=consent.purpose,
            policy_version=consent.policy_version,
            language=consent.language,
            channel=consent.channel,
            given_at=consent.given_at,
            withdrawn_at=consent.withdrawn_at,
        )


class Withdrawn(BaseModel):
    consents: list[ConsentOut]


@router.post("", status_code=201, responses=errors.responses(400, 404, 409, 413))
def give_consent(
    subject_id: SubjectId,
    body: NewConsent,
    tenant: TenantDep,
    policy: PolicyDep,
    uow: UowDep,
    now: ClockDep,
) -> ConsentOut:
    """Records the subject's consent to an opt-in purpose, with its proof."""
    request = ConsentRequest(subject=subject_id, **body.model_dump())
    return ConsentOut.of(consents.give(uow, policy, request, tenant.actor, now))


@router.delete("/{purpose}", responses=errors.responses(404, 409))
def withdraw_consent(
    subject_id: SubjectId, purpose: Name, tenant: TenantDep, uow: UowDep, now: ClockDep
) -> Withdrawn:
    """Withdraws the subject's consent to the purpose: processing for it stops now."""
    withdrawn = consents.withdraw(uow, tenant.id, subject_id, purpose, tenant.actor, now)
    return Withdrawn(consents=[ConsentOut.of(c) for c in withdrawn])
