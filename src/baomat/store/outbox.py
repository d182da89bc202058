"""The outbox: email to data subjects, stored with the event that causes it.

`add` runs inside the caller's unit of work, so a message exists exactly when
its event committed. A sender then `claim`s due messages for a while (a
lease), reads each one's context (`open`), delivers it and records the
outcome (`sent`, `retry`, `give_up`). A claim is a random token written on
the row: marking an outcome needs the token, so a sender whose lease ran out
and was taken over cannot mark (or send twice) what another sender holds.

The context (a login code, a complaint's number) is sealed with the subject's
data key, field name `outbox.context`: erasing the subject makes it
unreadable, and the message is then cancelled rather than sent.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from baomat.store import crypto
from baomat.store.keystore import KeyStore
from baomat.store.subjects import SubjectShredded
from baomat.store.tables import outbox

CONTEXT_FIELD = "outbox.context"
"""The field name the context is sealed under (associated data with tenant and subject)."""

STATUSES = ("pending", "sent", "failed", "cancelled")


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message a sender holds until `claimed_until`."""

    tenant: str
    id: str
    subject_id: str
    template: str
    language: str
    attempts: int
    claim: str


class OutboxRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection, keystore: KeyStore) -> None:
        self.conn = conn
        self.keystore = keystore

    def add(
        self,
        tenant: str,
        subject_id: str,
        template: str,
        language: str,
        context: Mapping[str, object],
        at: dt.datetime,
    ) -> str:
        """Queues one message, due now → its id. Raises SubjectShredded."""
        key = self.keystore.get(tenant, subject_id)
        if key is None:
            raise SubjectShredded(subject_id)
        message_id = secrets.token_hex(16)
        plain = json.dumps(dict(context), ensure_ascii=False, sort_keys=True).encode()
        sealed = crypto.SubjectCipher(key, tenant, subject_id).encrypt(CONTEXT_FIELD, plain)
        self.conn.execute(
            insert(outbox).values(
                tenant_id=tenant,
                id=message_id,
                subject_id=subject_id,
                template=template,
                language=language,
                sealed=sealed,
                status="pending",
                attempts=0,
                next_attempt_at=at,
                created_at=at,
            )
        )
        return message_id

    def claim(self, at: dt.datetime, lease: dt.timedelta, limit: int) -> list[Claimed]:
        """Takes up to `limit` due messages, oldest due first, for `lease` → them.

        Due: pending, its next attempt at or before `at`, and no claim still
        running. On PostgreSQL rows another sender is claiming are skipped
        (`SKIP LOCKED`); on SQLite the writer lock already serialises senders.
        """
        due = (
            select(outbox.c.tenant_id, outbox.c.id)
            .where(
                outbox.c.status == "pending",
                outbox.c.next_attempt_at <= at,
                (outbox.c.claimed_until.is_(None)) | (outbox.c.claimed_until <= at),
            )
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
            .limit(limit)
        )
        if self.conn.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        rows = self.conn.execute(due).all()
        claim = secrets.token_hex(16)
        for tenant, message_id in rows:
            self.conn.execute(
                update(outbox)
                .where(outbox.c.tenant_id == tenant, outbox.c.id == message_id)
                .values(claim=claim, claimed_until=at + lease)
            )
        if not rows:
            return []
        held = self.conn.execute(
            select(
                outbox.c.tenant_id,
                outbox.c.id,
                outbox.c.subject_id,
                outbox.c.template,
                outbox.c.language,
                outbox.c.attempts,
            )
            .where(outbox.c.claim == claim)
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
        )
        return [Claimed(*row, claim=claim) for row in held]

    def open(self, message: Claimed) -> dict[str, object]:
        """The message's context; raises SubjectShredded once the subject is erased."""
        key = self.keystore.get(message.tenant, message.subject_id)
        if key is None:
            raise SubjectShredded(message.subject_id)
        sealed = self.conn.execute(
            select(outbox.c.sealed).where(
                outbox.c.tenant_id == message.tenant, outbox.c.id == message.id
            )
        ).scalar_one()
        cipher = crypto.SubjectCipher(key, message.tenant, message.subject_id)
        context: dict[str, object] = json.loads(cipher.decrypt(CONTEXT_FIELD, bytes(sealed)))
        return context

    def sent(self, message: Claimed, at: dt.datetime) -> bool:
        """Marks the message sent → False if the claim was lost (nothing changed)."""
        return self._finish(message, status="sent", sent_at=at, attempts=message.attempts + 1)

    def retry(self, message: Claimed, error: str, next_attempt_at: dt.datetime) -> bool:
        """Records a failed attempt and when to try again → False if the claim was lost."""
        return self._finish(
            message,
            status="pending",
            attempts=message.attempts + 1,
            last_error=error,
            next_attempt_at=next_attempt_at,
        )

    def give_up(self, message: Claimed, status: str, error: str) -> bool:
        """Ends the message as `failed` or `cancelled` → False if the claim was lost."""
        return self._finish(message, status=status, attempts=message.attempts + 1, last_error=error)

    def _finish(self, message: Claimed, **values: object) -> bool:
        result = self.conn.execute(
            update(outbox)
            .where(
                outbox.c.tenant_id == message.tenant,
                outbox.c.id == message.id,
                outbox.c.claim == message.claim,
                outbox.c.status == "pending",
            )
            .values(claim=None, claimed_until=None, **values)
        )
        return result.rowcount == 1

    def counts(self, tenant: str | None = None) -> dict[str, int]:
        """Messages by status, every status present (0 when none)."""
        query = select(outbox.c.status, func.count()).group_by(outbox.c.status)
        if tenant is not None:
            query = query.where(outbox.c.tenant_id == tenant)
        found = {str(status): int(n) for status, n in self.conn.execute(query)}
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def requeue_failed(self, at: dt.datetime, tenant: str | None = None) -> int:
        """Makes failed messages pending again, due now, attempts reset → how many."""
        query = update(outbox).where(outbox.c.status == "failed")
        if tenant is not None:
            query = query.where(outbox.c.tenant_id == tenant)
        result = self.conn.execute(
            query.values(status="pending", attempts=0, next_attempt_at=at, last_error=None)
        )
        return int(result.rowcount)

    def of_subject(self, tenant: str, subject_id: str) -> list[dict[str, object]]:
        """A subject's messages without their content: template, status, times."""
        rows = self.conn.execute(
            select(
                outbox.c.id,
                outbox.c.template,
                outbox.c.language,
                outbox.c.status,
                outbox.c.attempts,
                outbox.c.created_at,
                outbox.c.sent_at,
            )
            .where(outbox.c.tenant_id == tenant, outbox.c.subject_id == subject_id)
            .order_by(outbox.c.created_at, outbox.c.id)
        )
        return [dict(row._mapping) for row in rows]
