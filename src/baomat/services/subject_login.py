"""Use cases by which a data subject logs in: a password, or a one-time code sent by email.

    set_password(uow, "shop", subject_id, "a long passphrase", "apikey:3f2a…", now)
    login_subject_password(uow, "shop", subject_id, "a long passphrase", now).token
    request_code(uow, "shop", subject_id, notifier, now)         # the notifier sends 6 digits
    login_subject_code(uow, "shop", subject_id, "042917", now).token

A code is good for ten minutes and once. Five failed logins in a row, by
password or code, lock the subject's logins for fifteen minutes and burn an
outstanding code (`domain.login`). Audit entries name the subject by its
pseudonym, never a password or a code.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import NoReturn

from baomat.domain.audit import AuditEvent, canonical_time
from baomat.domain.errors import Invalid, NotFound, Unauthenticated
from baomat.domain.login import (
    CODE_DIGITS,
    CODE_LIFETIME,
    CODE_RESEND_AFTER,
    Attempts,
    check_new_password,
    normalise_password,
)
from baomat.services import _passwords, policy_notices
from baomat.services.auth import LOGIN_FAILED, NewSession, issue, login_event
from baomat.services.notify import Notifier
from baomat.store.credentials import CredentialRecord
from baomat.store.uow import UnitOfWork

LANGUAGES = ("vi", "en")


def set_password(
    uow: UnitOfWork, tenant: str, subject_id: str, password: str, actor: str, at: dt.datetime
) -> None:
    """Sets (or replaces) the subject's password; clears failed attempts and a lock."""
    password_hash = _passwords.hash_password(check_new_password(password, subject_id))
    with uow:
        if not _active(uow, tenant, subject_id):
            raise NotFound("subject not found")
        uow.credentials.ensure(tenant, subject_id)
        uow.credentials.set_password(tenant, subject_id, password_hash)
        uow.audit.append(tenant, [AuditEvent(actor, "subject.password_set", subject_id)], at)
        uow.commit()


def login_subject_password(
    uow: UnitOfWork, tenant: str, subject_id: str, password: str, at: dt.datetime
) -> NewSession:
    """The subject's password → a subject session; Unauthenticated with one message otherwise.

    As for staff, the Argon2 check runs between two short transactions.
    """
    password = normalise_password(password)
    with uow:
        active = _active(uow, tenant, subject_id)
        before = uow.credentials.get(tenant, subject_id) if active else None
    verified = _passwords.verify(before.password_hash if before else None, password)
    with uow:
        record = _locked_credentials(uow, tenant, subject_id, at)
        right = verified.ok and before is not None and before.password_hash == record.password_hash
        reason = (
            "locked" if record.attempts.locked(at)
            else None if right
            else "no_password" if record.password_hash is None
            else "wrong_password"
        )  # fmt: skip
        if reason is not None:
            _deny(uow, record, reason, at)
        if verified.rehash is not None:
            uow.credentials.set_password(tenant, subject_id, verified.rehash)
        return _grant(uow, record, "password", at)


def request_code(
    uow: UnitOfWork,
    tenant: str,
    subject_id: str,
    notifier: Notifier,
    at: dt.datetime,
    language: str = "vi",
) -> dt.datetime:
    """Sends the subject a new six-digit login code → when it would expire.

    The answer is the same whether or not a code went out, so asking cannot
    tell who holds an account: no code goes to an unknown or erased subject,
    while logins are locked, or within a minute of the last code; each such
    refusal is audited (on a known tenant) with its reason instead. The code
    replaces any earlier one; only its keyed hash is stored. The notifier is
    called before the commit, so a notifier that fails leaves no code behind.
    """
    if language not in LANGUAGES:
        raise Invalid("language", f"must be one of {', '.join(LANGUAGES)}")
    notifier.check_configured()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    expires_at = at + CODE_LIFETIME
    with uow:
        if not _active(uow, tenant, subject_id):
            _refuse_code(uow, tenant, None, "unknown_account", at)
            return expires_at
        uow.credentials.ensure(tenant, subject_id)
        record = uow.credentials.get(tenant, subject_id, for_update=True)
        assert record is not None
        last = record.code_expires_at
        if record.attempts.locked(at):
            _refuse_code(uow, tenant, subject_id, "locked", at)
        elif last is not None and at < last - CODE_LIFETIME + CODE_RESEND_AFTER:
            _refuse_code(uow, tenant, subject_id, "too_soon", at)
        else:
            uow.credentials.set_code(tenant, subject_id, code, expires_at)
            event = login_event(
                "subject", subject_id, "login_code", expires_at=canonical_time(expires_at)
            )
            uow.audit.append(tenant, [event], at)
            notifier.send_login_code(uow, tenant, subject_id, code, language, at)
            uow.commit()
    return expires_at


def _refuse_code(
    uow: UnitOfWork, tenant: str, subject_id: str | None, reason: str, at: dt.datetime
) -> None:
    """Audits a code that was not sent, and why; nothing is recorded for an unknown tenant."""
    if uow.tenants.get(tenant) is None:
        return
    refused = login_event("subject", subject_id, "login_code", "denied", reason=reason)
    uow.audit.append(tenant, [refused], at)
    uow.commit()


def login_subject_code(
    uow: UnitOfWork, tenant: str, subject_id: str, code: str, at: dt.datetime
) -> NewSession:
    """The code last sent to the subject → a subject session; the code is then spent.

    A wrong, expired or missing code is refused like a wrong password and
    counts as a failed attempt; an expired code is discarded.
    """
    with uow:
        record = _locked_credentials(uow, tenant, subject_id, at)
        reason = (
            "locked" if record.attempts.locked(at)
            else "no_code" if record.code_hash is None or record.code_expires_at is None
            else "wrong_code" if not uow.credentials.code_matches(record, code)
            else "expired" if at >= record.code_expires_at
            else None
        )  # fmt: skip
        if reason == "expired":
            uow.credentials.clear_code(tenant, subject_id)
        if reason is not None:
            _deny(uow, record, reason, at)
        uow.credentials.clear_code(tenant, subject_id)
        return _grant(uow, record, "code", at)


def _active(uow: UnitOfWork, tenant: str, subject_id: str) -> bool:
    """Whether the tenant holds this subject and it is not erased (a closed account may log in)."""
    record = uow.subjects.get(tenant, subject_id)
    return record is not None and record.status != "erased"


def _locked_credentials(
    uow: UnitOfWork, tenant: str, subject_id: str, at: dt.datetime
) -> CredentialRecord:
    """The subject's credentials, row-locked; an unknown subject is audited and refused here."""
    if not _active(uow, tenant, subject_id):
        if uow.tenants.get(tenant) is not None:
            denied = login_event("subject", None, "login", "denied", reason="unknown_account")
            uow.audit.append(tenant, [denied], at)
            uow.commit()
        raise Unauthenticated(LOGIN_FAILED)
    uow.credentials.ensure(tenant, subject_id)
    record = uow.credentials.get(tenant, subject_id, for_update=True)
    assert record is not None
    return record


def _deny(uow: UnitOfWork, record: CredentialRecord, reason: str, at: dt.datetime) -> NoReturn:
    """Counts the failure (unless locked), audits it as denied, commits, raises Unauthenticated."""
    tenant, subject_id = record.tenant, record.subject_id
    lock: dict[str, str | None] = {}
    if reason != "locked":
        attempts = record.attempts.failure(at)
        uow.credentials.save_attempts(tenant, subject_id, attempts)
        if attempts.locked_until is not None:
            uow.credentials.clear_code(tenant, subject_id)
            lock["locked_until"] = canonical_time(attempts.locked_until)
    denied = login_event("subject", subject_id, "login", "denied", reason=reason, **lock)
    uow.audit.append(tenant, [denied], at)
    uow.commit()
    raise Unauthenticated(LOGIN_FAILED)


def _grant(uow: UnitOfWork, record: CredentialRecord, method: str, at: dt.datetime) -> NewSession:
    """Clears failed attempts, issues the session, audits the login and commits."""
    tenant, subject_id = record.tenant, record.subject_id
    if record.attempts != Attempts():
        uow.credentials.save_attempts(tenant, subject_id, Attempts())
    session = issue(uow, tenant, "subject", subject_id, at)
    event = login_event("subject", subject_id, "login", method=method, session=session.id)
    notices = policy_notices.at_login(uow, tenant, subject_id, session.id, at)
    uow.audit.append(tenant, [event, *notices], at)
    uow.commit()
    return session
