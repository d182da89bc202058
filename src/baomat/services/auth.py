"""Sessions: issued at login, presented as a bearer token, checked on every call, revoked at logout.

A token reads `bs_<id>_<secret>`: `id` is 32 random hex characters and names
the session (in the audit trail), `secret` is 32 random bytes in url-safe
base64. Only the SHA-256 of the secret is stored. Staff sessions last
`STAFF_SESSION` (8 h), subjects' `SUBJECT_SESSION` (1 h); see
docs/decisions/004-authentication.md. Logging in is in `services.staff` and
`services.subject_login`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Unauthenticated
from baomat.domain.login import STAFF_SESSION, SUBJECT_SESSION, Kind, Principal
from baomat.domain.roles import Role
from baomat.store.sessions import SessionRecord
from baomat.store.uow import UnitOfWork

_TOKEN = re.compile(r"bs_([0-9a-f]{32})_([A-Za-z0-9_-]{43})")
_LIFETIME: dict[Kind, dt.timedelta] = {"staff": STAFF_SESSION, "subject": SUBJECT_SESSION}

ANONYMOUS = "anonymous"
"""The audit actor of a login attempt that names no account of the tenant."""

LOGIN_FAILED = (
    "login failed: the account, password or code is wrong, or the account is locked "
    "after too many attempts"
)
"""One message for every refused login, so an answer tells nothing of which accounts exist."""


@dataclass(frozen=True, slots=True)
class NewSession:
    """What a login returns: the bearer token, shown this once, and when it expires."""

    id: str
    token: str
    expires_at: dt.datetime


def issue(
    uow: UnitOfWork, tenant: str, kind: Kind, principal_id: str, at: dt.datetime
) -> NewSession:
    """Stores a new session in the open unit of work → its token; the caller audits and commits."""
    session_id, secret = secrets.token_hex(16), secrets.token_urlsafe(32)
    expires_at = at + _LIFETIME[kind]
    uow.sessions.add(
        SessionRecord(tenant, session_id, kind, principal_id, _digest(secret), at, expires_at, None)
    )
    return NewSession(session_id, f"bs_{session_id}_{secret}", expires_at)


def authenticate_session(uow: UnitOfWork, token: str, at: dt.datetime) -> Principal:
    """A presented token → the Principal it stands for; Unauthenticated, alike for every failure.

    Malformed, unknown, wrong-secret, revoked and expired tokens all get the
    same error; so do sessions of a staff account since disabled and of a
    subject since erased. A staff principal carries the account's role as
    it is now, so a changed role applies at the next call.
    """
    refused = Unauthenticated("invalid or expired session")
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise refused
    session_id, secret = match.groups()
    with uow:
        record = uow.sessions.get(session_id)
        if record is None or not hmac.compare_digest(record.token_sha256, _digest(secret)):
            raise refused
        if record.revoked_at is not None or at >= record.expires_at:
            raise refused
        if record.kind == "staff":
            staff = uow.staff.get(record.tenant, record.principal_id)
            if staff is None or staff.disabled_at is not None:
                raise refused
            role = Role(staff.role)
            return Principal(record.tenant, "staff", staff.id, role, record.id)
        subject = uow.subjects.get(record.tenant, record.principal_id)
        if subject is None or subject.status == "erased":
            raise refused
        return Principal(record.tenant, "subject", subject.id, None, record.id)


def logout(uow: UnitOfWork, principal: Principal, at: dt.datetime) -> None:
    """Revokes the principal's session: its token is refused from now on."""
    with uow:
        if not uow.sessions.revoke(principal.tenant, principal.session, at):
            raise Unauthenticated("invalid or expired session")
        event = login_event(principal.kind, principal.id, "logout", session=principal.session)
        uow.audit.append(principal.tenant, [event], at)
        uow.commit()


def login_event(
    kind: Kind, account_id: str | None, what: str, outcome: str = "ok", **detail: str | None
) -> AuditEvent:
    """The audit event of a login step → `staff.login`, `subject.logout`, `subject.login_code`, …

    The actor is the account the step claims (`staff:lan`, `subject:9f2c…`),
    or `anonymous` when it names none of the tenant's; a subject's events
    also name the subject, so they appear in its own trail. Never a password
    or a code.
    """
    actor = ANONYMOUS if account_id is None else f"{kind}:{account_id}"
    subject = account_id if kind == "subject" else None
    return AuditEvent(actor, f"{kind}.{what}", subject, outcome=outcome, detail=detail)


def _digest(secret: str) -> str:
    # 256 random bits need no slow password hash: SHA-256 is as safe and costs no latency.
    return hashlib.sha256(secret.encode()).hexdigest()
