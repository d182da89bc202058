"""Login sessions of staff and data subjects: ids, the SHA-256 of each token, expiry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from baomat.store.tables import sessions

KINDS = ("staff", "subject")
"""The principal kinds of real sessions. The table also holds staff lockout rows
(`store.staff`), which have other kinds and are never returned here."""


@dataclass(frozen=True, slots=True)
class SessionRecord:
    tenant: str
    id: str
    kind: str
    principal_id: str
    token_sha256: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


_COLUMNS = (
    sessions.c.tenant_id,
    sessions.c.id,
    sessions.c.principal_kind,
    sessions.c.principal_id,
    sessions.c.token_sha256,
    sessions.c.created_at,
    sessions.c.expires_at,
    sessions.c.revoked_at,
)


class SessionRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, session: SessionRecord) -> None:
        self.conn.execute(
            insert(sessions).values(
                tenant_id=session.tenant,
                id=session.id,
                principal_kind=session.kind,
                principal_id=session.principal_id,
                token_sha256=session.token_sha256,
                created_at=session.created_at,
                expires_at=session.expires_at,
                revoked_at=session.revoked_at,
            )
        )

    def get(self, session_id: str) -> SessionRecord | None:
        """The session with this id, whatever its tenant: a token names only its id."""
        row = self.conn.execute(
            select(*_COLUMNS).where(
                sessions.c.id == session_id, sessions.c.principal_kind.in_(KINDS)
            )
        ).first()
        return None if row is None else SessionRecord(*row)

    def revoke(self, tenant: str, session_id: str, at: dt.datetime) -> bool:
        """Ends a live session now → False when it was already revoked or is unknown."""
        result = self.conn.execute(
            update(sessions)
            .where(
                sessions.c.tenant_id == tenant,
                sessions.c.id == session_id,
                sessions.c.principal_kind.in_(KINDS),
                sessions.c.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )
        return bool(result.rowcount)
