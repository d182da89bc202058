"""Each published version's classified changes, and the run that tells subjects of them.

One row per version (`policy_changes`), written in the transaction that
publishes it: the changes as JSON, whether any is material, the notice mode
that governs them, and, per purpose, the oldest version a consent must cite.
Telling the subjects then runs in batches, each committing its messages
together with the cursor it reached (`advance`), until `finish`.

`consent_from` is read on every decision, so it is kept in memory per store:
a published version's row never changes after its transaction, and a
version is current (so decided on) only once that transaction committed.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, and_, func, insert, select, update

from baomat.store.tables import consents, policy_changes, policy_versions, subjects

PENDING = "pending"
DONE = "done"


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """A published version and what it changed; `changes` as stored (Change.as_json dicts)."""

    tenant: str
    version: int
    previous_version: int | None
    notice_mode: str | None
    material: bool
    changes: Sequence[Mapping[str, Any]]
    consent_from: Mapping[str, int]
    notices: str
    notices_cursor: str | None
    notices_queued: int
    consents_closed: int
    notices_done_at: dt.datetime | None
    published_at: dt.datetime
    published_by: str
    last_updated: dt.date
    sha256: str
    recorded: bool = True
    """False for a version published before changes were recorded: nothing is known of them."""


@dataclass(frozen=True, slots=True)
class Addressee:
    """A subject a change may concern, with what the notices need of it."""

    id: str
    subject_type: str
    consented: frozenset[str]
    """Purposes it held a consent in force to when the version was published."""
    language: str | None
    """The language of its latest consent, the one it last read the policy in; None if none."""


_CACHE: weakref.WeakKeyDictionary[Engine, dict[tuple[str, int], Mapping[str, int]]] = (
    weakref.WeakKeyDictionary()
)
_CACHE_LOCK = threading.Lock()
_CACHE_KEPT = 4096

_COLUMNS = (
    policy_versions.c.tenant_id,
    policy_versions.c.version,
    policy_changes.c.previous_version,
    policy_changes.c.notice_mode,
    policy_changes.c.material,
    policy_changes.c.changes,
    policy_changes.c.consent_from,
    policy_changes.c.notices,
    policy_changes.c.notices_cursor,
    policy_changes.c.notices_queued,
    policy_changes.c.consents_closed,
    policy_changes.c.notices_done_at,
    policy_versions.c.published_at,
    policy_versions.c.published_by,
    policy_versions.c.last_updated,
    policy_versions.c.sha256,
)
_ON = and_(
    policy_versions.c.tenant_id == policy_changes.c.tenant_id,
    policy_versions.c.version == policy_changes.c.version,
)
_JOINED = policy_changes.join(policy_versions, _ON)
_EVERY_VERSION = policy_versions.outerjoin(policy_changes, _ON)


class PolicyChangeRepository:
    """On the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self,
        tenant: str,
        version: int,
        previous_version: int | None,
        notice_mode: str | None,
        changes: Sequence[Mapping[str, Any]],
        consent_from: Mapping[str, int],
        *,
        notices_pending: bool,
    ) -> None:
        """Stores a version's changes; `notices_pending` when subjects are still to be told."""
        self.conn.execute(
            insert(policy_changes).values(
                tenant_id=tenant,
                version=version,
                previous_version=previous_version,
                notice_mode=notice_mode,
                material=any(bool(c["material"]) for c in changes),
                changes=json.dumps(list(changes), ensure_ascii=False, sort_keys=True),
                consent_from=json.dumps(dict(consent_from), sort_keys=True),
                notices=PENDING if notices_pending else DONE,
                notices_cursor=None,
                notices_queued=0,
                consents_closed=0,
            )
        )
        _forget(self.conn.engine, tenant, version)

    def get(self, tenant: str, version: int, *, for_update: bool = False) -> ChangeRecord | None:
        """A version's changes, or None (a version published before they were recorded).

        `for_update` locks the row until the transaction ends (PostgreSQL; SQLite
        transactions that write already hold the database), so two runs telling
        the subjects of one version take turns.
        """
        query = select(*_COLUMNS).select_from(_JOINED)
        query = query.where(
            policy_changes.c.tenant_id == tenant, policy_changes.c.version == version
        )
        if for_update:
            query = query.with_for_update(of=policy_changes)
        row = self.conn.execute(query).first()
        return None if row is None else _record(row._mapping)

    def of_tenant(self, tenant: str, version: int | None = None) -> list[ChangeRecord]:
        """Every published version of the tenant (or only `version`), newest first, with its
        changes; a version published before they were recorded has `recorded` False."""
        query = (
            select(*_COLUMNS)
            .select_from(_EVERY_VERSION)
            .where(policy_versions.c.tenant_id == tenant)
            .order_by(policy_versions.c.version.desc())
        )
        if version is not None:
            query = query.where(policy_versions.c.version == version)
        return [_record(row._mapping) for row in self.conn.execute(query)]

    def pending(self, tenant: str | None = None) -> list[tuple[str, int]]:
        """(tenant, version) of every change whose notices are not all written, oldest first."""
        query = select(policy_changes.c.tenant_id, policy_changes.c.version).where(
            policy_changes.c.notices == PENDING
        )
        if tenant is not None:
            query = query.where(policy_changes.c.tenant_id == tenant)
        query = query.order_by(policy_changes.c.tenant_id, policy_changes.c.version)
        return [(str(t), int(v)) for t, v in self.conn.execute(query)]

    def advance(self, tenant: str, version: int, cursor: str, queued: int, closed: int) -> None:
        """Records a batch: the last subject it reached, and the messages and closures it wrote."""
        self.conn.execute(
            update(policy_changes)
            .where(policy_changes.c.tenant_id == tenant, policy_changes.c.version == version)
            .values(
                notices_cursor=cursor,
                notices_queued=policy_changes.c.notices_queued + queued,
                consents_closed=policy_changes.c.consents_closed + closed,
            )
        )

    def finish(self, tenant: str, version: int, at: dt.datetime) -> None:
        self.conn.execute(
            update(policy_changes)
            .where(policy_changes.c.tenant_id == tenant, policy_changes.c.version == version)
            .values(notices=DONE, notices_done_at=at)
        )

    def consent_from(self, tenant: str, version: int) -> Mapping[str, int]:
        """Purpose → the oldest policy version a consent to it must cite, for `version`.

        Read once per store and version, then from memory; empty when none is recorded.
        """
        engine = self.conn.engine
        kept = _CACHE.get(engine)
        found = None if kept is None else kept.get((tenant, version))
        if found is not None:
            return found
        raw = self.conn.execute(
            select(policy_changes.c.consent_from).where(
                policy_changes.c.tenant_id == tenant, policy_changes.c.version == version
            )
        ).scalar()
        loaded: Mapping[str, int] = {} if raw is None else json.loads(raw)
        with _CACHE_LOCK:
            by_version = _CACHE.setdefault(engine, {})
            if len(by_version) >= _CACHE_KEPT:
                del by_version[next(iter(by_version))]
            by_version[(tenant, version)] = loaded
        return loaded

    def addressees(
        self, tenant: str, before: int, after: str | None, at: dt.datetime, limit: int
    ) -> list[Addressee]:
        """The next `limit` subjects, by id after `after`, registered under a version older than
        `before` and not erased, with the consents they held in force at `at`."""
        query = (
            select(subjects.c.id, subjects.c.subject_type)
            .where(
                subjects.c.tenant_id == tenant,
                subjects.c.status != "erased",
                subjects.c.policy_version < before,
            )
            .order_by(subjects.c.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(subjects.c.id > after)
        found = [(str(i), str(t)) for i, t in self.conn.execute(query)]
        if not found:
            return []
        held: dict[str, set[str]] = {}
        language: dict[str, str] = {}
        rows = self.conn.execute(
            select(
                consents.c.subject_id,
                consents.c.purpose,
                consents.c.language,
                consents.c.given_at,
                consents.c.withdrawn_at,
            )
            .where(
                consents.c.tenant_id == tenant,
                consents.c.subject_id.in_([i for i, _ in found]),
                consents.c.given_at <= at,
            )
            .order_by(consents.c.given_at, consents.c.id)
        )
        for subject_id, purpose, lang, _, withdrawn_at in rows:
            language[subject_id] = lang  # the latest wins
            if withdrawn_at is None or withdrawn_at > at:
                held.setdefault(subject_id, set()).add(purpose)
        return [Addressee(i, t, frozenset(held.get(i, ())), language.get(i)) for i, t in found]

    def count_addressees(self, tenant: str, before: int) -> int:
        """How many subjects `addressees` would go through, for a preview."""
        return int(
            self.conn.execute(
                select(func.count()).where(
                    subjects.c.tenant_id == tenant,
                    subjects.c.status != "erased",
                    subjects.c.policy_version < before,
                )
            ).scalar_one()
        )


def _forget(engine: Engine, tenant: str, version: int) -> None:
    """Drops a kept map: a version recorded now (a test's store reusing ids) is read afresh."""
    kept = _CACHE.get(engine)
    if kept is not None:
        with _CACHE_LOCK:
            kept.pop((tenant, version), None)


def _record(m: RowMapping) -> ChangeRecord:
    recorded = m["notices"] is not None
    return ChangeRecord(
        tenant=m["tenant_id"],
        version=m["version"],
        previous_version=m["previous_version"],
        notice_mode=m["notice_mode"],
        material=bool(m["material"]),
        changes=json.loads(m["changes"]) if recorded else [],
        consent_from=json.loads(m["consent_from"]) if recorded else {},
        notices=m["notices"] if recorded else DONE,
        notices_cursor=m["notices_cursor"],
        notices_queued=m["notices_queued"] or 0,
        consents_closed=m["consents_closed"] or 0,
        notices_done_at=m["notices_done_at"],
        published_at=m["published_at"],
        published_by=m["published_by"],
        last_updated=m["last_updated"],
        sha256=m["sha256"],
        recorded=recorded,
    )
