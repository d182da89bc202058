"""Changed policies shown to a subject at login, and the subject's acceptance of them.

For a tenant whose change notice is `continued_use`, a version with material
changes is due to every subject registered under an older version until the
subject accepts it. A row records when it was first shown (and in which
session) and when, and how, it was accepted: `acknowledged` or
`continued_use`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from baomat.policy.model import ChangeNoticeMode
from baomat.store.tables import policy_changes, policy_notices, policy_versions, subjects

ACKNOWLEDGED = "acknowledged"
CONTINUED_USE = "continued_use"


@dataclass(frozen=True, slots=True)
class DueNotice:
    """A version the subject has yet to accept, with its changes as stored (Change.as_json)."""

    version: int
    published_at: dt.datetime
    last_updated: dt.date
    changes: Sequence[Mapping[str, Any]]
    shown_at: dt.datetime | None
    shown_session: str | None


@dataclass(frozen=True, slots=True)
class Acceptance:
    version: int
    shown_at: dt.datetime
    accepted_at: dt.datetime | None
    how: str | None


class PolicyNoticeRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def due(self, tenant: str, subject_id: str) -> list[DueNotice]:
        """Versions under `continued_use` with a material change, newer than the version the
        subject registered under and not accepted by it, oldest first."""
        shown = and_(
            policy_notices.c.tenant_id == policy_changes.c.tenant_id,
            policy_notices.c.subject_id == subject_id,
            policy_notices.c.version == policy_changes.c.version,
        )
        query = (
            select(
                policy_changes.c.version,
                policy_versions.c.published_at,
                policy_versions.c.last_updated,
                policy_changes.c.changes,
                policy_notices.c.shown_at,
                policy_notices.c.shown_session,
            )
            .select_from(
                policy_changes.join(
                    policy_versions,
                    and_(
                        policy_versions.c.tenant_id == policy_changes.c.tenant_id,
                        policy_versions.c.version == policy_changes.c.version,
                    ),
                )
                .join(subjects, subjects.c.tenant_id == policy_changes.c.tenant_id)
                .outerjoin(policy_notices, shown)
            )
            .where(
                policy_changes.c.tenant_id == tenant,
                subjects.c.id == subject_id,
                policy_changes.c.notice_mode == ChangeNoticeMode.CONTINUED_USE.value,
                policy_changes.c.material.is_(True),
                policy_changes.c.version > subjects.c.policy_version,
                policy_notices.c.accepted_at.is_(None),
            )
            .order_by(policy_changes.c.version)
        )
        return [
            DueNotice(v, published, updated, json.loads(changes), shown_at, session)
            for v, published, updated, changes, shown_at, session in self.conn.execute(query)
        ]

    def show(
        self, tenant: str, subject_id: str, version: int, session: str, at: dt.datetime
    ) -> None:
        """Records that a due version was first shown to the subject, in `session`."""
        self.conn.execute(
            insert(policy_notices).values(
                tenant_id=tenant,
                subject_id=subject_id,
                version=version,
                shown_at=at,
                shown_session=session,
            )
        )

    def accept(
        self, tenant: str, subject_id: str, version: int, how: str, session: str, at: dt.datetime
    ) -> None:
        """Records the subject's acceptance of a version shown to it (see `show`)."""
        self.conn.execute(
            update(policy_notices)
            .where(
                policy_notices.c.tenant_id == tenant,
                policy_notices.c.subject_id == subject_id,
                policy_notices.c.version == version,
            )
            .values(accepted_at=at, accepted_how=how, accepted_session=session)
        )

    def of_subject(self, tenant: str, subject_id: str) -> list[Acceptance]:
        """Every version shown to the subject, and whether and how it was accepted."""
        rows = self.conn.execute(
            select(
                policy_notices.c.version,
                policy_notices.c.shown_at,
                policy_notices.c.accepted_at,
                policy_notices.c.accepted_how,
            )
            .where(policy_notices.c.tenant_id == tenant, policy_notices.c.subject_id == subject_id)
            .order_by(policy_notices.c.version)
        )
        return [Acceptance(*row) for row in rows]
