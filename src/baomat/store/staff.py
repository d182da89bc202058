"""Staff accounts: id, role, Argon2 hash, disabled or not; and each account's failed logins.

`staff_accounts` has no columns for failed logins (migration 0002 predates
them), so until a migration adds `failed_attempts` and `locked_until` there,
an account's `Attempts` are kept as rows of the `sessions` table that can
never be a session: one row per consecutive failure (kind `staff_failed`)
and one for a lock (kind `staff_locked`, `expires_at` the lock's end), at
ids derived from tenant and account, already revoked and with an empty
token hash. Only this module knows; `attempts` and `save_attempts` are the
whole interface, so moving them to columns later changes nothing above.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from baomat.domain.login import MAX_FAILED_ATTEMPTS, Attempts
from baomat.store.tables import sessions, staff_accounts

_FAILED = "staff_failed"
_LOCKED = "staff_locked"


@dataclass(frozen=True, slots=True)
class StaffRecord:
    tenant: str
    id: str
    role: str
    password_hash: str
    created_at: dt.datetime
    disabled_at: dt.datetime | None


_COLUMNS = (
    staff_accounts.c.tenant_id,
    staff_accounts.c.id,
    staff_accounts.c.role,
    staff_accounts.c.password_hash,
    staff_accounts.c.created_at,
    staff_accounts.c.disabled_at,
)


class StaffRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self, tenant: str, staff_id: str, role: str, password_hash: str, at: dt.datetime
    ) -> None:
        self.conn.execute(
            insert(staff_accounts).values(
                tenant_id=tenant,
                id=staff_id,
                role=role,
                password_hash=password_hash,
                created_at=at,
            )
        )

    def get(self, tenant: str, staff_id: str, *, for_update: bool = False) -> StaffRecord | None:
        """The account, locked against concurrent logins when `for_update`."""
        query = select(*_COLUMNS).where(
            staff_accounts.c.tenant_id == tenant, staff_accounts.c.id == staff_id
        )
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else StaffRecord(*row)

    def for_tenant(self, tenant: str) -> list[StaffRecord]:
        rows = self.conn.execute(
            select(*_COLUMNS)
            .where(staff_accounts.c.tenant_id == tenant)
            .order_by(staff_accounts.c.id)
        )
        return [StaffRecord(*row) for row in rows]

    def disable(self, tenant: str, staff_id: str, at: dt.datetime) -> None:
        self.conn.execute(
            update(staff_accounts)
            .where(staff_accounts.c.tenant_id == tenant, staff_accounts.c.id == staff_id)
            .values(disabled_at=at)
        )

    def set_password_hash(self, tenant: str, staff_id: str, password_hash: str) -> None:
        self.conn.execute(
            update(staff_accounts)
            .where(staff_accounts.c.tenant_id == tenant, staff_accounts.c.id == staff_id)
            .values(password_hash=password_hash)
        )

    def attempts(self, tenant: str, staff_id: str) -> Attempts:
        """The account's consecutive failed logins and its lock, if any."""
        rows = self.conn.execute(
            select(sessions.c.principal_kind, sessions.c.expires_at).where(
                sessions.c.tenant_id == tenant, sessions.c.id.in_(_slots(tenant, staff_id))
            )
        ).all()
        locked = [expires for kind, expires in rows if kind == _LOCKED]
        return Attempts(
            failed=sum(1 for kind, _ in rows if kind == _FAILED),
            locked_until=locked[0] if locked else None,
        )

    def save_attempts(
        self, tenant: str, staff_id: str, attempts: Attempts, at: dt.datetime
    ) -> None:
        """Replaces the account's failed-login state with `attempts`."""
        slots = _slots(tenant, staff_id)
        self.conn.execute(
            delete(sessions).where(sessions.c.tenant_id == tenant, sessions.c.id.in_(slots))
        )
        rows = [(slots[n], _FAILED, at) for n in range(attempts.failed)]
        if attempts.locked_until is not None:
            rows.append((slots[-1], _LOCKED, attempts.locked_until))
        for slot, kind, expires_at in rows:
            self.conn.execute(
                insert(sessions).values(
                    tenant_id=tenant,
                    id=slot,
                    principal_kind=kind,
                    principal_id=staff_id,
                    token_sha256="",
                    created_at=at,
                    expires_at=expires_at,
                    revoked_at=at,
                )
            )


def _slots(tenant: str, staff_id: str) -> list[str]:
    """The row ids that hold an account's attempts: one per failure, then the lock's.

    `lk` and 30 hex characters: never a session id, which is 32 hex characters.
    """
    return [
        "lk" + hashlib.sha256(f"{tenant}\x1f{staff_id}\x1f{n}".encode()).hexdigest()[:30]
        for n in range(MAX_FAILED_ATTEMPTS)
    ] + ["lk" + hashlib.sha256(f"{tenant}\x1f{staff_id}\x1flock".encode()).hexdigest()[:30]]
