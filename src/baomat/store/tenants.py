"""Tenants and their published policy versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, insert, select, update

from baomat.domain.audit import GENESIS
from baomat.store.tables import policy_versions, tenants


@dataclass(frozen=True, slots=True)
class TenantRecord:
    id: str
    name: str
    law_profile: str
    current_version: int


@dataclass(frozen=True, slots=True)
class PolicyVersionRecord:
    tenant: str
    version: int
    document: str
    sha256: str
    last_updated: dt.date


# Built once: every API call reads its tenant's policy version; building costs more than running.
_BY_ID = select(
    tenants.c.id, tenants.c.name, tenants.c.law_profile, tenants.c.current_version
).where(tenants.c.id == bindparam("tenant"))


class TenantRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, tenant_id: str) -> TenantRecord | None:
        row = self.conn.execute(_BY_ID, {"tenant": tenant_id}).first()
        return None if row is None else TenantRecord(*row)

    def ids(self) -> list[str]:
        return list(self.conn.execute(select(tenants.c.id).order_by(tenants.c.id)).scalars())

    def add(self, tenant: TenantRecord, at: dt.datetime) -> None:
        self.conn.execute(
            insert(tenants).values(
                id=tenant.id,
                name=tenant.name,
                law_profile=tenant.law_profile,
                current_version=tenant.current_version,
                created_at=at,
                audit_seq=0,
                audit_head=GENESIS,
            )
        )

    def add_version(self, version: PolicyVersionRecord, at: dt.datetime, actor: str) -> None:
        self.conn.execute(
            insert(policy_versions).values(
                tenant_id=version.tenant,
                version=version.version,
                document=version.document,
                sha256=version.sha256,
                last_updated=version.last_updated,
                published_at=at,
                published_by=actor,
            )
        )
        self.conn.execute(
            update(tenants)
            .where(tenants.c.id == version.tenant)
            .values(current_version=version.version)
        )

    def version(self, tenant_id: str, version: int | None = None) -> PolicyVersionRecord | None:
        """A published version, the current one when `version` is None."""
        if version is None:
            current = self.get(tenant_id)
            if current is None:
                return None
            version = current.current_version
        row = self.conn.execute(
            select(
                policy_versions.c.tenant_id,
                policy_versions.c.version,
                policy_versions.c.document,
                policy_versions.c.sha256,
                policy_versions.c.last_updated,
            ).where(policy_versions.c.tenant_id == tenant_id, policy_versions.c.version == version)
        ).first()
        return None if row is None else PolicyVersionRecord(*row)
