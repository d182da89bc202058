"""Tenants' API keys: the key id, the SHA-256 of its secret, a label; never the secret."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, insert, select, update

from baomat.store import _driver
from baomat.store.tables import api_keys, tenants


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    tenant: str
    id: str
    secret_sha256: str
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class KeyStanding:
    """What checking a presented key needs, and the policy version its tenant has in force."""

    tenant: str
    secret_sha256: str
    revoked: bool
    policy_version: int


_COLUMNS = (
    api_keys.c.tenant_id,
    api_keys.c.id,
    api_keys.c.secret_sha256,
    api_keys.c.label,
    api_keys.c.created_at,
    api_keys.c.revoked_at,
)
# Built once: every API call runs it, and building a statement costs more than running it.
_BY_ID = select(*_COLUMNS).where(api_keys.c.id == bindparam("key_id"))
# A decision reads its key and its tenant's policy version in one statement (decision 007).
_STANDING = (
    select(
        api_keys.c.tenant_id,
        api_keys.c.secret_sha256,
        api_keys.c.revoked_at.is_not(None),
        tenants.c.current_version,
    )
    .join(tenants, tenants.c.id == api_keys.c.tenant_id)
    .where(api_keys.c.id == bindparam("key_id"))
)


class ApiKeyRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self, tenant: str, key_id: str, secret_sha256: str, label: str, at: dt.datetime
    ) -> None:
        self.conn.execute(
            insert(api_keys).values(
                tenant_id=tenant,
                id=key_id,
                secret_sha256=secret_sha256,
                label=label,
                created_at=at,
            )
        )

    def get(self, key_id: str) -> ApiKeyRecord | None:
        """The key with this id, whatever its tenant: a presented key names only its id."""
        row = self.conn.execute(_BY_ID, {"key_id": key_id}).first()
        return None if row is None else ApiKeyRecord(*row)

    def standing(self, key_id: str) -> KeyStanding | None:
        """The key with this id and its tenant's policy version in force, in one read."""
        found = _driver.rows(self.conn, _STANDING, {"key_id": key_id})
        return KeyStanding(*found[0]) if found else None

    def for_tenant(self, tenant: str) -> list[ApiKeyRecord]:
        rows = self.conn.execute(
            select(*_COLUMNS)
            .where(api_keys.c.tenant_id == tenant)
            .order_by(api_keys.c.created_at, api_keys.c.id)
        )
        return [ApiKeyRecord(*row) for row in rows]

    def revoke(self, tenant: str, key_id: str, at: dt.datetime) -> None:
        self.conn.execute(
            update(api_keys)
            .where(api_keys.c.tenant_id == tenant, api_keys.c.id == key_id)
            .values(revoked_at=at)
        )
