"""Use cases about staff accounts: create, disable, list, log in.

    create_staff(uow, "wesale", "lan.nguyen", "dpo", "a long passphrase", "cli:root", now)
    login_staff(uow, "wesale", "lan.nguyen", "a long passphrase", now).token  # bs_<id>_<secret>

Each account belongs to one tenant and holds one `Role`. Passwords are kept
as Argon2id hashes; five failed logins in a row lock the account for fifteen
minutes (`domain.login`). Audit entries name the account, never a password.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from baomat.domain.audit import AuditEvent, canonical_time
from baomat.domain.errors import Conflict, Invalid, NotFound, Unauthenticated
from baomat.domain.login import Attempts, check_new_password, normalise_password
from baomat.domain.roles import Role
from baomat.services import _passwords
from baomat.services.auth import LOGIN_FAILED, NewSession, issue, login_event
from baomat.store.uow import UnitOfWork

STAFF_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
"""An account id: `lan.nguyen`, `dpo-1`; lower case, so no two ids differ by case only."""


@dataclass(frozen=True, slots=True)
class StaffInfo:
    """What may be shown about an account: never its password hash."""

    id: str
    role: Role
    created_at: dt.datetime
    disabled_at: dt.datetime | None


def create_staff(
    uow: UnitOfWork,
    tenant: str,
    staff_id: str,
    role: Role | str,
    password: str,
    actor: str,
    at: dt.datetime,
) -> None:
    """A new account of the tenant with a role and a password (Invalid, NotFound or Conflict)."""
    if not STAFF_ID.fullmatch(staff_id):
        raise Invalid(
            "staff_id",
            "must be 1 to 64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
        )
    try:
        role = Role(role)
    except ValueError:
        raise Invalid("role", f"must be one of {', '.join(r.value for r in Role)}") from None
    password_hash = _passwords.hash_password(check_new_password(password, staff_id))
    with uow:
        if uow.tenants.get(tenant) is None:
            raise NotFound(f"tenant '{tenant}' does not exist")
        if uow.staff.get(tenant, staff_id) is not None:
            raise Conflict(f"staff account '{staff_id}' already exists")
        uow.staff.add(tenant, staff_id, role.value, password_hash, at)
        event = AuditEvent(actor, "staff.create", detail={"staff_id": staff_id, "role": role.value})
        uow.audit.append(tenant, [event], at)
        uow.commit()


def disable_staff(uow: UnitOfWork, tenant: str, staff_id: str, actor: str, at: dt.datetime) -> None:
    """Disables an account for good: its logins and its open sessions are refused from now on."""
    with uow:
        record = uow.staff.get(tenant, staff_id, for_update=True)
        if record is None:
            raise NotFound(f"tenant '{tenant}' has no staff account '{staff_id}'")
        if record.disabled_at is not None:
            raise Conflict(f"staff account '{staff_id}': already disabled")
        uow.staff.disable(tenant, staff_id, at)
        uow.audit.append(
            tenant, [AuditEvent(actor, "staff.disable", detail={"staff_id": staff_id})], at
        )
        uow.commit()


def list_staff(uow: UnitOfWork, tenant: str) -> list[StaffInfo]:
    """The tenant's accounts by id, disabled ones included."""
    with uow:
        if uow.tenants.get(tenant) is None:
            raise NotFound(f"tenant '{tenant}' does not exist")
        return [
            StaffInfo(r.id, Role(r.role), r.created_at, r.disabled_at)
            for r in uow.staff.for_tenant(tenant)
        ]


def login_staff(
    uow: UnitOfWork, tenant: str, staff_id: str, password: str, at: dt.datetime
) -> NewSession:
    """The account's password → a new staff session; Unauthenticated with one message otherwise.

    An unknown account, a wrong password, a disabled or a locked account are
    refused alike and audited as `staff.login` with outcome `denied` and the
    reason. The Argon2 check runs between two short transactions, so no
    database lock is held while it works; the second re-reads the account.
    """
    password = normalise_password(password)
    with uow:
        known_tenant = uow.tenants.get(tenant) is not None
        before = uow.staff.get(tenant, staff_id) if known_tenant else None
    verified = _passwords.verify(before.password_hash if before else None, password)
    if not known_tenant:
        raise Unauthenticated(LOGIN_FAILED)
    with uow:
        record = uow.staff.get(tenant, staff_id, for_update=True)
        if record is None:
            denied = login_event("staff", None, "login", "denied", reason="unknown_account")
            uow.audit.append(tenant, [denied], at)
            uow.commit()
            raise Unauthenticated(LOGIN_FAILED)
        attempts = uow.staff.attempts(tenant, staff_id)
        right = verified.ok and before is not None and before.password_hash == record.password_hash
        reason = (
            "disabled" if record.disabled_at is not None
            else "locked" if attempts.locked(at)
            else None if right
            else "wrong_password"
        )  # fmt: skip
        if reason is not None:
            lock: dict[str, str | None] = {}
            if reason == "wrong_password":
                attempts = attempts.failure(at)
                uow.staff.save_attempts(tenant, staff_id, attempts, at)
                if attempts.locked_until is not None:
                    lock["locked_until"] = canonical_time(attempts.locked_until)
            denied = login_event("staff", staff_id, "login", "denied", reason=reason, **lock)
            uow.audit.append(tenant, [denied], at)
            uow.commit()
            raise Unauthenticated(LOGIN_FAILED)
        if attempts != Attempts():
            uow.staff.save_attempts(tenant, staff_id, attempts.success(), at)
        if verified.rehash is not None:
            uow.staff.set_password_hash(tenant, staff_id, verified.rehash)
        session = issue(uow, tenant, "staff", staff_id, at)
        uow.audit.append(tenant, [login_event("staff", staff_id, "login", session=session.id)], at)
        uow.commit()
    return session
