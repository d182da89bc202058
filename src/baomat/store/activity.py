"""What a tenant's store holds, counted: the live figures of its records of processing.

    uow.activity.counts("wesale", since=now - 365 days)
    -> Activity(subjects={"seller": (12, 1)}, consents={"marketing_email": 5}, ...)

Counts only: no personal data value is read. Subjects erased are not counted;
closed ones are, apart from active ones, since their data is still kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from baomat.domain.disclosure import RELEASED
from baomat.store.tables import (
    consents,
    disclosures,
    incidents,
    legal_holds,
    policy_versions,
    rights_requests,
    subjects,
    tenants,
)


@dataclass(frozen=True, slots=True)
class Activity:
    """A tenant's figures at one moment; "last" counts run from `since`."""

    since: dt.datetime
    first_processing: dt.datetime | None
    """When the tenant was created: its first processing, for the DPIA's 60-day filing."""
    last_published: dt.datetime | None
    """When the policy version in force was published: the latest change of processing."""
    subjects: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Subject type → (active, closed but still kept)."""
    consents: dict[str, int] = field(default_factory=dict)
    """Purpose → consents given and not withdrawn, of subjects not erased."""
    disclosures: dict[str, int] = field(default_factory=dict)
    """Recipient → disclosures released since `since`."""
    rights: dict[str, int] = field(default_factory=dict)
    """Kind of rights request → requests received since `since`."""
    open_holds: int = 0
    incidents_since: int = 0
    incidents_open: int = 0
    affected_since: int = 0
    """Subjects affected by the incidents detected since `since`."""


class ActivityRepository:
    """On the unit of work's connection; reads only."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def counts(self, tenant: str, since: dt.datetime) -> Activity:
        return Activity(
            since=since,
            first_processing=self.conn.execute(
                select(tenants.c.created_at).where(tenants.c.id == tenant)
            ).scalar(),
            last_published=self._last_published(tenant),
            subjects=self._subjects(tenant),
            consents=self._consents(tenant),
            disclosures=self._disclosures(tenant, since),
            rights=self._rights(tenant, since),
            open_holds=self._open_holds(tenant),
            **self._incidents(tenant, since),
        )

    def _last_published(self, tenant: str) -> dt.datetime | None:
        v, t = policy_versions.c, tenants.c
        return self.conn.execute(
            select(v.published_at)
            .join(tenants, (t.id == v.tenant_id) & (t.current_version == v.version))
            .where(v.tenant_id == tenant)
        ).scalar()

    def _subjects(self, tenant: str) -> dict[str, tuple[int, int]]:
        c = subjects.c
        rows = self.conn.execute(
            select(c.subject_type, c.status, func.count())
            .where(c.tenant_id == tenant, c.status != "erased")
            .group_by(c.subject_type, c.status)
        )
        found: dict[str, tuple[int, int]] = {}
        for kind, status, n in rows:
            active, closed = found.get(kind, (0, 0))
            found[kind] = (active + n, closed) if status == "active" else (active, closed + n)
        return found

    def _consents(self, tenant: str) -> dict[str, int]:
        c, s = consents.c, subjects.c
        rows = self.conn.execute(
            select(c.purpose, func.count())
            .join(subjects, (s.tenant_id == c.tenant_id) & (s.id == c.subject_id))
            .where(c.tenant_id == tenant, c.withdrawn_at.is_(None), s.status != "erased")
            .group_by(c.purpose)
        )
        return {purpose: n for purpose, n in rows}

    def _disclosures(self, tenant: str, since: dt.datetime) -> dict[str, int]:
        c = disclosures.c
        rows = self.conn.execute(
            select(c.recipient, func.count())
            .where(c.tenant_id == tenant, c.status == RELEASED, c.released_at >= since)
            .group_by(c.recipient)
        )
        return {recipient: n for recipient, n in rows}

    def _rights(self, tenant: str, since: dt.datetime) -> dict[str, int]:
        c = rights_requests.c
        rows = self.conn.execute(
            select(c.kind, func.count())
            .where(c.tenant_id == tenant, c.received_at >= since)
            .group_by(c.kind)
        )
        return {kind: n for kind, n in rows}

    def _open_holds(self, tenant: str) -> int:
        c = legal_holds.c
        return int(
            self.conn.execute(
                select(func.count()).where(c.tenant_id == tenant, c.released_at.is_(None))
            ).scalar_one()
        )

    def _incidents(self, tenant: str, since: dt.datetime) -> dict[str, int]:
        c = incidents.c
        recent = self.conn.execute(
            select(func.count(), func.coalesce(func.sum(c.affected), 0)).where(
                c.tenant_id == tenant, c.detected_at >= since
            )
        ).one()
        still_open = self.conn.execute(
            select(func.count()).where(c.tenant_id == tenant, c.closed_at.is_(None))
        ).scalar_one()
        return {
            "incidents_since": int(recent[0]),
            "affected_since": int(recent[1]),
            "incidents_open": int(still_open),
        }
