"""Complaints and their history, the personal parts sealed with the subject's data key.

The description and contact details (one JSON blob, field name
`complaint:<id>`) and each step's note (`complaint:<id>:<seq>`) are encrypted
with the subject's own key (`crypto.SubjectCipher`), so erasing the subject
makes them unreadable: they then read as None. Everything else (category,
channel, states, times, deadline) is the register and stays readable.

`next_alert_at` tells the reminder sweep when to look at a complaint again;
it is indexed, so a sweep reads only the complaints that need it now.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from baomat.domain.complaints import (
    Category,
    Channel,
    Complaint,
    Complexity,
    Contact,
    Event,
    State,
    Term,
)
from baomat.store import crypto
from baomat.store.keystore import KeyStore
from baomat.store.subjects import SubjectShredded
from baomat.store.tables import complaint_events, complaints

_CHUNK = 2000
"""Ids per `IN (...)`: well under SQLite's and PostgreSQL's limits on bound parameters."""


@dataclass(frozen=True, slots=True)
class Watched:
    """A complaint the reminder sweep must look at: what planning its alerts needs."""

    tenant: str
    id: str
    subject: str
    state: str
    due: dt.datetime


class ComplaintRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection, keystore: KeyStore) -> None:
        self.conn = conn
        self.keystore = keystore

    def add(self, tenant: str, complaint: Complaint, next_alert_at: dt.datetime | None) -> None:
        """Stores a new complaint and its first step. Raises SubjectShredded."""
        cipher = self._cipher(tenant, complaint.subject)
        secret = {"description": complaint.description}
        if complaint.contact is not None:
            secret |= {"email": complaint.contact.email, "phone": complaint.contact.phone}
        plain = json.dumps(secret, ensure_ascii=False, sort_keys=True).encode()
        term = complaint.term
        self.conn.execute(
            insert(complaints).values(
                tenant_id=tenant,
                id=complaint.id,
                subject_id=complaint.subject,
                category=complaint.category.value,
                complexity=None if complaint.complexity is None else complaint.complexity.value,
                channel=complaint.channel.value,
                language=complaint.language,
                policy_version=complaint.policy_version,
                steps=",".join(complaint.steps),
                term_amount=None if term is None else term.amount,
                term_unit=None if term is None else term.unit,
                term_source=None if term is None else term.source,
                received_at=complaint.received_at,
                due=complaint.due_at,
                next_alert_at=next_alert_at,
                recorded_by=complaint.recorded_by,
                recorded_at=complaint.recorded_at,
                sealed=cipher.encrypt(_field(complaint.id), plain),
                **_changing(complaint),
            )
        )
        self._add_events(tenant, complaint, 0, cipher)

    def save(self, tenant: str, complaint: Complaint) -> None:
        """Writes a transition: state and times, and the steps not stored yet.

        A complaint no longer awaiting its answer needs no more alerts: its
        `next_alert_at` is cleared. Raises SubjectShredded when a new step has a note.
        """
        c = complaints.c
        values = _changing(complaint)
        if not complaint.awaiting_answer:
            values["next_alert_at"] = None
        self.conn.execute(
            update(complaints).where(c.tenant_id == tenant, c.id == complaint.id).values(**values)
        )
        e = complaint_events.c
        stored = self.conn.execute(
            select(func.count())
            .select_from(complaint_events)
            .where(e.tenant_id == tenant, e.complaint_id == complaint.id)
        ).scalar_one()
        fresh = complaint.history[stored:]
        cipher = None
        if any(event.note is not None for event in fresh):
            cipher = self._cipher(tenant, complaint.subject)
        self._add_events(tenant, complaint, stored, cipher)

    def get(
        self, tenant: str, complaint_id: str, *, lock: bool = False, reveal: bool = True
    ) -> Complaint | None:
        """The complaint with its history, or None; `reveal` decrypts its personal parts,
        `lock` holds its row until the transaction ends."""
        c = complaints.c
        query = select(complaints).where(c.tenant_id == tenant, c.id == complaint_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        if row is None:
            return None
        [found] = self._complete(tenant, [row._mapping], reveal=reveal, history=True)
        return found

    def for_subject(self, tenant: str, subject_id: str, *, reveal: bool = True) -> list[Complaint]:
        """A subject's complaints, oldest first, with their history."""
        c = complaints.c
        rows = self.conn.execute(
            select(complaints)
            .where(c.tenant_id == tenant, c.subject_id == subject_id)
            .order_by(c.received_at, c.id)
        )
        return self._complete(tenant, [r._mapping for r in rows], reveal=reveal, history=True)

    def in_states(self, tenant: str, states: Collection[State]) -> list[Complaint]:
        """The tenant's complaints in these states, by deadline: the register, nothing sealed
        opened and no history read."""
        c = complaints.c
        rows = self.conn.execute(
            select(complaints)
            .where(c.tenant_id == tenant, c.state.in_([s.value for s in states]))
            .order_by(c.due, c.received_at, c.id)
        )
        return self._complete(tenant, [r._mapping for r in rows], reveal=False, history=False)

    def watched(self, at: dt.datetime, limit: int) -> list[Watched]:
        """Up to `limit` complaints, of every tenant, whose `next_alert_at` is at or before
        `at`, earliest first; on PostgreSQL, rows another sweep holds are skipped."""
        c = complaints.c
        query = (
            select(c.tenant_id, c.id, c.subject_id, c.state, c.due)
            .where(c.next_alert_at <= at)
            .order_by(c.next_alert_at)
            .limit(limit)
        )
        if self.conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return [Watched(*row) for row in self.conn.execute(query)]

    def look_again(self, plans: Sequence[tuple[str, str, dt.datetime | None]]) -> None:
        """(tenant, complaint id, next look or None) for each: when the sweep looks again.

        Complaints that share a deadline share their next look: one UPDATE per
        tenant and next look, over their ids, rather than one per complaint.
        """
        grouped: dict[tuple[str, dt.datetime | None], list[str]] = {}
        for tenant, complaint_id, next_at in plans:
            grouped.setdefault((tenant, next_at), []).append(complaint_id)
        c = complaints.c
        for (tenant, next_at), ids in grouped.items():
            for start in range(0, len(ids), _CHUNK):
                self.conn.execute(
                    update(complaints)
                    .where(c.tenant_id == tenant, c.id.in_(ids[start : start + _CHUNK]))
                    .values(next_alert_at=next_at)
                )

    # -- helpers --

    def _cipher(self, tenant: str, subject_id: str) -> crypto.SubjectCipher:
        key = self.keystore.get(tenant, subject_id)
        if key is None:
            raise SubjectShredded(subject_id)
        return crypto.SubjectCipher(key, tenant, subject_id)

    def _add_events(
        self,
        tenant: str,
        complaint: Complaint,
        stored: int,
        cipher: crypto.SubjectCipher | None,
    ) -> None:
        rows = []
        for seq, event in enumerate(complaint.history[stored:], start=stored + 1):
            note = None
            if event.note is not None:
                assert cipher is not None
                note = cipher.encrypt(_field(complaint.id, seq), event.note.encode())
            rows.append(
                {
                    "tenant_id": tenant,
                    "complaint_id": complaint.id,
                    "seq": seq,
                    "action": event.action,
                    "state": event.state.value,
                    "actor": event.actor,
                    "at": event.at,
                    "note": note,
                }
            )
        if rows:
            self.conn.execute(insert(complaint_events), rows)

    def _complete(
        self, tenant: str, rows: Sequence[RowMapping], *, reveal: bool, history: bool
    ) -> list[Complaint]:
        """Rows → complaints, opening what `reveal` asks with one key lookup per subject."""
        keys: dict[str, bytes] = {}
        if reveal and rows:
            keys = self.keystore.get_many(tenant, {m["subject_id"] for m in rows})
        events = self._events(tenant, [m["id"] for m in rows]) if history else {}
        found = []
        for m in rows:
            key = keys.get(m["subject_id"])
            cipher = None if key is None else crypto.SubjectCipher(key, tenant, m["subject_id"])
            complaint = _complaint(m, cipher)
            for seq, event, sealed in events.get(m["id"], ()):
                note = None
                if cipher is not None and sealed is not None:
                    note = cipher.decrypt(_field(m["id"], seq), bytes(sealed)).decode()
                complaint.history.append(
                    Event(event.action, event.state, event.actor, event.at, note)
                )
            found.append(complaint)
        return found

    def _events(
        self, tenant: str, complaint_ids: Iterable[str]
    ) -> dict[str, list[tuple[int, Event, bytes | None]]]:
        ids = list(complaint_ids)
        if not ids:
            return {}
        e = complaint_events.c
        rows = self.conn.execute(
            select(e.complaint_id, e.seq, e.action, e.state, e.actor, e.at, e.note)
            .where(e.tenant_id == tenant, e.complaint_id.in_(ids))
            .order_by(e.complaint_id, e.seq)
        )
        found: dict[str, list[tuple[int, Event, bytes | None]]] = {}
        for complaint_id, seq, action, state, actor, at, note in rows:
            event = Event(action, State(state), actor, at)
            found.setdefault(complaint_id, []).append((seq, event, note))
        return found


def _field(complaint_id: str, seq: int | None = None) -> str:
    return f"complaint:{complaint_id}" if seq is None else f"complaint:{complaint_id}:{seq}"


def _changing(complaint: Complaint) -> dict[str, object]:
    return {
        "state": complaint.state.value,
        "updated_at": complaint.updated_at or complaint.recorded_at,
        "closed_at": complaint.closed_at,
    }


def _complaint(m: RowMapping, cipher: crypto.SubjectCipher | None) -> Complaint:
    description, contact = None, None
    if cipher is not None:
        secret = json.loads(cipher.decrypt(_field(m["id"]), bytes(m["sealed"])))
        description = secret.get("description")
        contact = Contact(secret.get("email"), secret.get("phone"))
    term = None
    if m["term_amount"] is not None:
        term = Term(m["term_amount"], m["term_unit"], m["term_source"])
    return Complaint(
        id=m["id"],
        subject=m["subject_id"],
        category=Category(m["category"]),
        channel=Channel(m["channel"]),
        language=m["language"],
        received_at=m["received_at"],
        recorded_at=m["recorded_at"],
        recorded_by=m["recorded_by"],
        policy_version=m["policy_version"],
        steps=tuple(s for s in m["steps"].split(",") if s),
        description=description,
        contact=contact,
        complexity=None if m["complexity"] is None else Complexity(m["complexity"]),
        term=term,
        due_at=m["due"],
        state=State(m["state"]),
        updated_at=m["updated_at"],
        closed_at=m["closed_at"],
    )
