"""Incidents, their affected subjects and their notices to the authority; and the queries that
find whom a breach touched, in the audit log and the store.

The audit log is the largest table: `reads` asks it only through the index
(tenant, actor, at), a range per actor, and streams the rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)

from baomat.domain.audit import canonical_time
from baomat.domain.incidents import (
    READ_ACTIONS,
    READ_OUTCOME,
    Incident,
    Notice,
    Outcome,
    Phase,
    Scope,
    State,
    Window,
)
from baomat.store.tables import (
    audit_entries,
    incident_notices,
    incident_subjects,
    incidents,
    outbox,
    subjects,
)

CHUNK = 500
"""Ids per `IN (...)` list: well under every driver's limit on bound parameters."""


@dataclass(frozen=True, slots=True)
class Affected:
    """One affected subject: the fields the breach touched and their categories."""

    subject: str
    fields: tuple[str, ...]
    categories: tuple[str, ...]
    reads: int = 0
    language: str | None = None
    message_id: str | None = None
    notified_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Read:
    """An audited read by a scoped actor: whose fields, by which action."""

    subject: str
    action: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """A notice as sent: what it says (JSON), its HTML and its PDF."""

    content: dict[str, Any]
    html: str
    pdf: bytes


class IncidentRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- incidents --

    def add(self, tenant: str, incident: Incident) -> None:
        self.conn.execute(
            insert(incidents).values(
                tenant_id=tenant,
                id=incident.id,
                law_profile=incident.law_profile,
                detected_at=incident.detected_at,
                window_start=incident.window.start,
                window_end=incident.window.end,
                authority_due=incident.authority_due,
                subjects_due=incident.subjects_due,
                description=incident.description,
                systems=json.dumps(list(incident.systems), ensure_ascii=False),
                scope=json.dumps(
                    {"actors": incident.scope.actors, "subject_types": incident.scope.subject_types}
                ),
                opened_by=incident.opened_by,
                opened_at=incident.opened_at,
                **_changing(incident),
            )
        )

    def save(self, tenant: str, incident: Incident) -> None:
        """Writes a step: state, counts and times (notices are added with `add_notice`)."""
        c = incidents.c
        self.conn.execute(
            update(incidents)
            .where(c.tenant_id == tenant, c.id == incident.id)
            .values(**_changing(incident))
        )

    def get(self, tenant: str, incident_id: str, *, lock: bool = False) -> Incident | None:
        c = incidents.c
        query = select(incidents).where(c.tenant_id == tenant, c.id == incident_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else self._complete(tenant, [row._mapping])[0]

    def listed(self, tenant: str, state: State | None = None, limit: int = 500) -> list[Incident]:
        """The tenant's incidents, newest detection first."""
        c = incidents.c
        query = select(incidents).where(c.tenant_id == tenant)
        if state is not None:
            query = query.where(c.state == state.value)
        rows = self.conn.execute(query.order_by(c.detected_at.desc(), c.id).limit(limit))
        return self._complete(tenant, [r._mapping for r in rows])

    def _complete(self, tenant: str, rows: Sequence[RowMapping]) -> list[Incident]:
        n = incident_notices.c
        notices: dict[str, list[Notice]] = {}
        ids = [r["id"] for r in rows]
        for part in _chunks(ids):
            found = self.conn.execute(
                select(
                    n.incident_id,
                    n.number,
                    n.phase,
                    n.sent_at,
                    n.sent_by,
                    n.html_sha256,
                    n.pdf_sha256,
                    n.late,
                )
                .where(n.tenant_id == tenant, n.incident_id.in_(part))
                .order_by(n.incident_id, n.number)
            )
            for incident_id, number, phase, sent_at, sent_by, html_sha, pdf_sha, late in found:
                notices.setdefault(incident_id, []).append(
                    Notice(number, Phase(phase), sent_at, sent_by, html_sha, pdf_sha, bool(late))
                )
        return [_incident(r, notices.get(r["id"], [])) for r in rows]

    # -- affected subjects --

    def add_affected(self, tenant: str, incident_id: str, affected: Sequence[Affected]) -> None:
        if not affected:
            return
        self.conn.execute(
            insert(incident_subjects),
            [
                {
                    "tenant_id": tenant,
                    "incident_id": incident_id,
                    "subject_id": a.subject,
                    "fields": ",".join(a.fields),
                    "categories": ",".join(a.categories),
                    "reads": a.reads,
                    "language": None,
                    "message_id": None,
                    "notified_at": None,
                }
                for a in affected
            ],
        )

    def affected(
        self, tenant: str, incident_id: str, *, after: str | None = None, limit: int | None = None
    ) -> list[Affected]:
        """The incident's subjects in id order, from after `after`, at most `limit`."""
        s = incident_subjects.c
        query = (
            select(
                s.subject_id,
                s.fields,
                s.categories,
                s.reads,
                s.language,
                s.message_id,
                s.notified_at,
            )
            .where(s.tenant_id == tenant, s.incident_id == incident_id)
            .order_by(s.subject_id)
        )
        if after is not None:
            query = query.where(s.subject_id > after)
        if limit is not None:
            query = query.limit(limit)
        return [
            Affected(subject, _split(fields), _split(categories), reads, *rest)
            for subject, fields, categories, reads, *rest in self.conn.execute(query)
        ]

    def tally(self, tenant: str, incident_id: str) -> tuple[int, int, Counter[str]]:
        """(subjects, data items, subjects per category) of the incident, streamed."""
        s = incident_subjects.c
        subjects_n = items = 0
        per: Counter[str] = Counter()
        rows = self.conn.execute(
            select(s.fields, s.categories)
            .where(s.tenant_id == tenant, s.incident_id == incident_id)
            .execution_options(yield_per=2000)
        )
        for fields, categories in rows:
            subjects_n += 1
            items += len(_split(fields))
            per.update(_split(categories))
        return subjects_n, items, per

    def mark_notified(
        self, tenant: str, incident_id: str, sent: Sequence[tuple[str, str, str]], at: dt.datetime
    ) -> None:
        """Records each (subject, language, outbox message id) as told at `at`."""
        if not sent:
            return
        s = incident_subjects.c
        self.conn.execute(
            update(incident_subjects)
            .where(
                s.tenant_id == tenant,
                s.incident_id == incident_id,
                s.subject_id == bindparam("b_subject"),
            )
            .values(
                language=bindparam("b_language"),
                message_id=bindparam("b_message"),
                notified_at=bindparam("b_at"),
            ),
            [
                {"b_subject": subject, "b_language": lang, "b_message": message, "b_at": at}
                for subject, lang, message in sent
            ],
        )

    def message_statuses(self, tenant: str, incident_id: str) -> Counter[str]:
        """How the incident's emails fared: outbox status → count."""
        s, o = incident_subjects.c, outbox.c
        rows = self.conn.execute(
            select(o.status, func.count())
            .select_from(
                incident_subjects.join(
                    outbox, and_(o.tenant_id == s.tenant_id, o.id == s.message_id)
                )
            )
            .where(s.tenant_id == tenant, s.incident_id == incident_id)
            .group_by(o.status)
        )
        return Counter({status: int(count) for status, count in rows})

    # -- notices and report --

    def add_notice(self, tenant: str, incident_id: str, notice: Notice, doc: Document) -> None:
        self.conn.execute(
            insert(incident_notices).values(
                tenant_id=tenant,
                incident_id=incident_id,
                number=notice.number,
                phase=notice.phase.value,
                sent_at=notice.sent_at,
                sent_by=notice.sent_by,
                late=notice.late,
                content=json.dumps(doc.content, ensure_ascii=False, sort_keys=True),
                html=doc.html,
                html_sha256=notice.html_sha256,
                pdf=doc.pdf,
                pdf_sha256=notice.pdf_sha256,
            )
        )

    def notice(self, tenant: str, incident_id: str, number: int) -> Document | None:
        n = incident_notices.c
        row = self.conn.execute(
            select(n.content, n.html, n.pdf).where(
                n.tenant_id == tenant, n.incident_id == incident_id, n.number == number
            )
        ).first()
        return None if row is None else Document(json.loads(row[0]), row[1], bytes(row[2]))

    def set_report(self, tenant: str, incident_id: str, html: str, sha256: str) -> None:
        c = incidents.c
        self.conn.execute(
            update(incidents)
            .where(c.tenant_id == tenant, c.id == incident_id)
            .values(report_html=html, report_sha256=sha256)
        )

    def report(self, tenant: str, incident_id: str) -> str | None:
        c = incidents.c
        found: str | None = self.conn.execute(
            select(c.report_html).where(c.tenant_id == tenant, c.id == incident_id)
        ).scalar()
        return found

    # -- finding whom a breach touched --

    def reads(self, tenant: str, actors: Collection[str], window: Window) -> Iterator[Read]:
        """Every read of subjects' values by `actors` within the window (both ends included),
        streamed. One query per actor: equality on (tenant, actor) and a range on `at` is
        what the index (tenant, actor, at) answers on both databases; with `actor IN (...)`
        SQLite would walk the tenant's whole chain instead."""
        a = audit_entries.c
        for actor in sorted(set(actors)):
            query = select(a.subject, a.action, a.fields).where(
                a.tenant_id == tenant,
                a.actor == actor,
                a.at >= canonical_time(window.start),
                a.at <= canonical_time(window.end),
                a.action.in_(READ_ACTIONS),
                a.outcome == READ_OUTCOME,
                a.subject.is_not(None),
            )
            for subject, action, fields in self.conn.execute(
                query.execution_options(yield_per=2000)
            ):
                yield Read(subject, action, _split(fields))

    def held_in(
        self, tenant: str, types: Collection[str], window: Window
    ) -> list[tuple[str, str, str]]:
        """(subject, type, status) of every subject of `types` the store held during the
        window: stored by its end and not erased before its start."""
        if not types:
            return []
        c = subjects.c
        rows = self.conn.execute(
            select(c.id, c.subject_type, c.status)
            .where(
                c.tenant_id == tenant,
                c.subject_type.in_(sorted(types)),
                c.created_at <= window.end,
                or_(c.erased_at.is_(None), c.erased_at >= window.start),
            )
            .order_by(c.id)
        )
        return [(str(i), str(t), str(status)) for i, t, status in rows]

    def kinds(self, tenant: str, subject_ids: Collection[str]) -> dict[str, tuple[str, str]]:
        """Subject → (its type, its status) for those of this tenant."""
        c = subjects.c
        found: dict[str, tuple[str, str]] = {}
        for part in _chunks(sorted(subject_ids)):
            rows = self.conn.execute(
                select(c.id, c.subject_type, c.status).where(c.tenant_id == tenant, c.id.in_(part))
            )
            found.update({i: (t, s) for i, t, s in rows})
        return found


def _changing(incident: Incident) -> dict[str, Any]:
    return {
        "state": incident.state.value,
        "affected": incident.affected,
        "subjects_notified_at": incident.subjects_notified_at,
        "subjects_notified_by": incident.subjects_notified_by,
        "outcome": None if incident.outcome is None else incident.outcome.value,
        "closing_measures": incident.closing_measures,
        "closed_at": incident.closed_at,
        "closed_by": incident.closed_by,
        "updated_at": incident.updated_at,
    }


def _incident(m: RowMapping, notices: list[Notice]) -> Incident:
    scope = json.loads(m["scope"])
    return Incident(
        id=m["id"],
        law_profile=m["law_profile"],
        detected_at=m["detected_at"],
        window=Window(m["window_start"], m["window_end"]),
        description=m["description"],
        systems=tuple(json.loads(m["systems"])),
        scope=Scope(tuple(scope["actors"]), tuple(scope["subject_types"])),
        opened_by=m["opened_by"],
        opened_at=m["opened_at"],
        authority_due=m["authority_due"],
        subjects_due=m["subjects_due"],
        affected=m["affected"],
        state=State(m["state"]),
        notices=notices,
        subjects_notified_at=m["subjects_notified_at"],
        subjects_notified_by=m["subjects_notified_by"],
        closed_at=m["closed_at"],
        closed_by=m["closed_by"],
        outcome=None if m["outcome"] is None else Outcome(m["outcome"]),
        closing_measures=m["closing_measures"],
        updated_at=m["updated_at"],
    )


def _split(joined: str) -> tuple[str, ...]:
    return tuple(part for part in joined.split(",") if part)


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
