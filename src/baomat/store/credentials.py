"""How data subjects log in: an Argon2 password hash, a one-time code's keyed hash, lockout.

A code has only six digits, so a plain SHA-256 of it would be reversed from
a copy of the database in a moment; it is kept as an HMAC-SHA-256 under the
blind-index key, which never lives in a database (see
docs/decisions/004-authentication.md).
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from baomat.domain.login import Attempts
from baomat.store import crypto
from baomat.store.tables import credentials

_CODE_LABEL = "#login-code"
"""The blind index's field label for login codes: no policy field id starts with '#'."""


@dataclass(frozen=True, slots=True)
class CredentialRecord:
    tenant: str
    subject_id: str
    password_hash: str | None
    code_hash: str | None
    code_expires_at: dt.datetime | None
    attempts: Attempts


class CredentialRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection, index: crypto.BlindIndex) -> None:
        self.conn = conn
        self._index = index

    def get(
        self, tenant: str, subject_id: str, *, for_update: bool = False
    ) -> CredentialRecord | None:
        """The subject's credentials, locked against concurrent logins when `for_update`."""
        c = credentials.c
        query = select(
            c.password_hash, c.code_hash, c.code_expires_at, c.failed_attempts, c.locked_until
        ).where(c.tenant_id == tenant, c.subject_id == subject_id)
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            return None
        password_hash, code_hash, code_expires_at, failed, locked_until = row
        return CredentialRecord(
            tenant, subject_id, password_hash, code_hash, code_expires_at,
            Attempts(failed, locked_until),
        )  # fmt: skip

    def ensure(self, tenant: str, subject_id: str) -> None:
        """Creates the subject's empty credentials row unless it exists (races included)."""
        dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
        self.conn.execute(
            dialect.insert(credentials)
            .values(tenant_id=tenant, subject_id=subject_id, failed_attempts=0)
            .on_conflict_do_nothing()
        )

    def set_password(self, tenant: str, subject_id: str, password_hash: str) -> None:
        """A new password hash; a new password also clears failed attempts and a lock."""
        self._update(
            tenant, subject_id, password_hash=password_hash, failed_attempts=0, locked_until=None
        )

    def set_code(self, tenant: str, subject_id: str, code: str, expires_at: dt.datetime) -> None:
        """Keeps the keyed hash of a new one-time code, replacing any earlier one."""
        self._update(
            tenant,
            subject_id,
            code_hash=self._code_digest(tenant, subject_id, code),
            code_expires_at=expires_at,
        )

    def code_matches(self, record: CredentialRecord, code: str) -> bool:
        """Whether `code` is the subject's outstanding code; compared in constant time.

        Says nothing of expiry: the caller checks `record.code_expires_at`.
        """
        if record.code_hash is None:
            return False
        presented = self._code_digest(record.tenant, record.subject_id, code)
        return hmac.compare_digest(record.code_hash, presented)

    def clear_code(self, tenant: str, subject_id: str) -> None:
        self._update(tenant, subject_id, code_hash=None, code_expires_at=None)

    def save_attempts(self, tenant: str, subject_id: str, attempts: Attempts) -> None:
        self._update(
            tenant,
            subject_id,
            failed_attempts=attempts.failed,
            locked_until=attempts.locked_until,
        )

    def _update(self, tenant: str, subject_id: str, **values: object) -> None:
        self.conn.execute(
            update(credentials)
            .where(credentials.c.tenant_id == tenant, credentials.c.subject_id == subject_id)
            .values(**values)
        )

    def _code_digest(self, tenant: str, subject_id: str, code: str) -> str:
        return self._index.digest(tenant, _CODE_LABEL, f"{subject_id}\x1f{code}").hex()
