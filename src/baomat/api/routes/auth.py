"""Logging in and out: staff by password, data subjects by password or a one-time email code.

A login answers `{"token": "bs_<id>_<secret>", "expires_at": ...}`; the token
then goes in `Authorization: Bearer ...` until it expires (staff 8 h,
subjects 1 h) or `POST /v1/logout`. Every refused login is the same 401, and
is audited with its reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, StringConstraints

from baomat.api import errors
from baomat.api.deps import ClockDep, PrincipalDep, RuntimeDep, UowDep
from baomat.api.routes.policy import PolicyNotice
from baomat.domain.login import MAX_PASSWORD, Kind
from baomat.services import auth, policy_notices, staff, subject_login
from baomat.services.auth import NewSession

router = APIRouter(tags=["auth"])

Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD * 4)]
"""Checked by the service after normalisation, where an accented letter typed decomposed
(up to three code points) becomes one; the cap here only bounds the work."""
Code = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class StaffLogin(_Body):
    tenant: Name
    staff_id: Name
    password: Password


class SubjectLogin(_Body):
    tenant: Name
    subject_id: Name
    """The subject's pseudonymous id, as the website's backend knows it."""
    password: Password


class CodeRequest(_Body):
    tenant: Name
    subject_id: Name
    language: Literal["vi", "en"] = "vi"
    """The language of the message that carries the code."""


class CodeLogin(_Body):
    tenant: Name
    subject_id: Name
    code: Code


class Token(BaseModel):
    token: str
    """`bs_<id>_<secret>`: send it as `Authorization: Bearer ...`; it is not shown again."""
    expires_at: dt.datetime

    @classmethod
    def of(cls, session: NewSession) -> Token:
        return cls(token=session.token, expires_at=session.expires_at)


class CodeSent(BaseModel):
    expires_at: dt.datetime


class Me(BaseModel):
    tenant: str
    kind: Kind
    id: str
    role: str | None
    policy_notices: list[PolicyNotice] = []
    """For a data subject: changed policy versions to show and have accepted (see
    `/v1/me/policy-notices`); empty for staff."""


@router.post("/staff/login", responses=errors.responses(400, 401, 413, 422))
def login_staff(body: StaffLogin, uow: UowDep, now: ClockDep) -> Token:
    """A staff account's password → a session token for 8 hours."""
    return Token.of(staff.login_staff(uow, body.tenant, body.staff_id, body.password, now))


@router.post("/subjects/login", responses=errors.responses(400, 401, 413, 422))
def login_subject(body: SubjectLogin, uow: UowDep, now: ClockDep) -> Token:
    """A data subject's password → a session token for 1 hour."""
    return Token.of(
        subject_login.login_subject_password(uow, body.tenant, body.subject_id, body.password, now)
    )


@router.post(
    "/subjects/login/code", status_code=202, responses=errors.responses(400, 413, 422, 503)
)
def request_login_code(
    body: CodeRequest, runtime: RuntimeDep, uow: UowDep, now: ClockDep
) -> CodeSent:
    """Sends the subject a six-digit code by email, good for 10 minutes and once.

    The answer is the same whether or not a code went out (an unknown or
    erased subject, logins locked, a code sent less than a minute ago), so it
    cannot be used to find out who holds an account.
    """
    expires_at = subject_login.request_code(
        uow, body.tenant, body.subject_id, runtime.app.notifier, now, body.language
    )
    return CodeSent(expires_at=expires_at)


@router.post("/subjects/login/code/verify", responses=errors.responses(400, 401, 413, 422))
def login_subject_code(body: CodeLogin, uow: UowDep, now: ClockDep) -> Token:
    """The code just sent → a session token for 1 hour."""
    return Token.of(
        subject_login.login_subject_code(uow, body.tenant, body.subject_id, body.code, now)
    )


@router.post("/logout", status_code=204, responses=errors.responses(401))
def logout(principal: PrincipalDep, uow: UowDep, now: ClockDep) -> None:
    """Ends the session whose token made the call."""
    auth.logout(uow, principal, now)


@router.get("/me", responses=errors.responses(401))
def me(principal: PrincipalDep, runtime: RuntimeDep) -> Me:
    """Who the session token stands for: staff (with its role) or a data subject, with the
    subject's pending policy notices."""
    role = None if principal.role is None else principal.role.value
    notices = []
    if principal.kind == "subject":
        notices = [
            PolicyNotice.of(n)
            for n in policy_notices.pending(
                runtime.app.uow(read_only=True), principal.tenant, principal.id
            )
        ]
    return Me(
        tenant=principal.tenant,
        kind=principal.kind,
        id=principal.id,
        role=role,
        policy_notices=notices,
    )
