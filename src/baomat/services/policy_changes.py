"""What publishing a policy version changes, and telling the subjects it concerns.

    changes = record(uow, previous, policy, at)     # in the publishing transaction
    tell(uow, "wesoft", 2, at)                      # then: NoticeRun(queued=812, closed=3, ...)

`record` compares the new version with the one in force (`policy.diff`) and
stores the classified changes with the version, in its transaction; the
version's row says whether subjects are still to be told (`notices`
pending). `tell` then writes, for every subject registered under an older
version and not erased:

- when the notice mode in force is `email_on_material_change` (the previous
  version's: the promise the subjects were given), a `policy_changed` email
  listing, in the subject's language, the material changes that touch it
  (`Change.touches`: its type, and the opt-in purposes it consented to);
- whatever the mode, for a purpose removed while the subject held a consent
  to it, the consent closed (`consent.withdraw`, detail `reason:
  purpose_removed`) and a `purpose_removed` email.

Under `fresh_consent` the change needs no message: decisions ask for fresh
consent (`policy.diff.consent_from`, `domain.decision`). Under
`continued_use` the notice is shown at the next login
(`services.policy_notices`).

Why in batches: one transaction holding every message of a large tenant
would hold the tenant's audit head (and, on SQLite, the database) for as long
as it takes to seal a message per subject, and every audited use of the
tenant's data would wait behind it. So the publishing transaction commits
the version with its changes and a pending mark, and each batch then commits
its messages, its consent closures and audit entries together with the
cursor it reached (the last subject id). Nothing is half-done: a message
exists exactly when its batch's cursor moved past its subject, a run that
stops (a crash, a lost connection) is resumed by the next `tell` from that
cursor without writing anything twice, and a pending change stays listed
(`baomat policy notices`, `GET /v1/policy/versions`) until it is done.
Two runs of one version take turns on its row lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Invalid, NotFound
from baomat.policy.change import Change
from baomat.policy.diff import consent_from, diff, touching
from baomat.policy.loader import parse_policy
from baomat.policy.model import ChangeNoticeMode, Policy
from baomat.services import outbox
from baomat.services.consents import withdraw_within
from baomat.store.policy_changes import DONE, Addressee, ChangeRecord
from baomat.store.uow import UnitOfWork

BATCH = 500
"""Subjects per transaction while telling them: a few hundred sealed messages at a time."""

CHANGED = "policy_changed"
REMOVED = "purpose_removed"
"""The email templates (`data/templates/email/{vi,en}/`)."""


@dataclass(frozen=True, slots=True)
class NoticeRun:
    """What one `tell` wrote for one version."""

    tenant: str
    version: int
    subjects: int = 0
    """Subjects gone through."""
    queued: int = 0
    """Emails written to the outbox."""
    closed: int = 0
    """Consents closed because their purpose was removed."""
    unreachable: int = 0
    """Subjects to be told whose type has no email field: nothing could be queued for them."""
    done: bool = True


def record(
    uow: UnitOfWork, previous: Policy | None, policy: Policy, at: dt.datetime
) -> list[Change]:
    """Inside the publishing unit of work: stores `policy`'s changes from `previous` → them.

    `previous` is the version in force (None for a tenant's first). The row is
    marked pending when some subject may need a message or a consent closed.
    """
    if previous is None:
        uow.policy_changes.add(
            policy.tenant, policy.version, None, None, [], {}, notices_pending=False
        )
        return []
    changes = diff(previous, policy)
    mode = previous.change_notice.mode
    before = uow.policy_changes.consent_from(policy.tenant, previous.version)
    needed = consent_from(before, changes, policy, fresh=mode is ChangeNoticeMode.FRESH_CONSENT)
    pending = any(c.code == "purpose_removed" for c in changes) or (
        mode is ChangeNoticeMode.EMAIL_ON_MATERIAL_CHANGE and any(c.material for c in changes)
    )
    uow.policy_changes.add(
        policy.tenant,
        policy.version,
        previous.version,
        mode.value,
        [c.as_json() for c in changes],
        needed,
        notices_pending=pending,
    )
    return changes


def checked(policy: Policy, document: str) -> Policy:
    """The document read as the loader reads a file, and it must be `policy`."""
    parsed = parse_policy(document, f"{policy.tenant} policy version {policy.version}")
    if parsed != policy:
        raise Invalid(
            "document",
            "reads as another policy than the one being published; publish the file's own text",
        )
    return parsed


def stored(uow: UnitOfWork, tenant: str, version: int) -> Policy:
    """A published version, read from the store in the open unit of work."""
    found = uow.tenants.version(tenant, version)
    if found is None:
        raise NotFound(f"tenant '{tenant}' has no published version {version}")
    # A stored document was validated when published; failing here is a fault, not input.
    return parse_policy(found.document, f"{tenant} policy version {version}")


def tell(
    uow: UnitOfWork,
    tenant: str,
    at: dt.datetime,
    *,
    policies: dict[int, Policy] | None = None,
    batch: int | None = None,
) -> list[NoticeRun]:
    """Writes every notice still due for the tenant's versions, oldest version first → the runs.

    Each batch is its own transaction on `uow` (entered once per batch).
    `policies` may hold versions already parsed, by number.
    """
    with uow:
        versions = [v for _, v in uow.policy_changes.pending(tenant)]
    size = batch or BATCH
    return [_tell_version(uow, tenant, v, at, (policies or {}).get(v), size) for v in versions]


def tell_everyone(uow: UnitOfWork, at: dt.datetime, *, batch: int | None = None) -> list[NoticeRun]:
    """`tell` for every tenant with notices still due (a resumed run, a job)."""
    with uow:
        tenants = sorted({t for t, _ in uow.policy_changes.pending()})
    return [run for tenant in tenants for run in tell(uow, tenant, at, batch=batch)]


def _tell_version(
    uow: UnitOfWork, tenant: str, version: int, at: dt.datetime, policy: Policy | None, batch: int
) -> NoticeRun:
    if policy is None:
        with uow:
            policy = stored(uow, tenant, version)
    totals = NoticeRun(tenant, version, done=False)
    while not totals.done:
        totals = _batch(uow, policy, version, at, batch, totals)
    return totals


def _batch(
    uow: UnitOfWork, policy: Policy, version: int, at: dt.datetime, limit: int, totals: NoticeRun
) -> NoticeRun:
    """One transaction: the next `limit` subjects after the cursor, told; done when none is left."""
    tenant = policy.tenant
    with uow:
        row = uow.policy_changes.get(tenant, version, for_update=True)
        if row is None or row.notices == DONE:
            return _plus(totals, done=True)
        found = uow.policy_changes.addressees(
            tenant, version, row.notices_cursor, row.published_at, limit
        )
        writer = _Writer(uow, policy, row, at)
        for addressee in found:
            writer.tell(addressee)
        if found:
            uow.policy_changes.advance(tenant, version, found[-1].id, writer.queued, writer.closed)
        done = len(found) < limit
        if done:
            uow.policy_changes.finish(tenant, version, at)
            writer.events.append(
                AuditEvent(
                    row.published_by,
                    "policy.notices.done",
                    detail={
                        "version": version,
                        "queued": row.notices_queued + writer.queued,
                        "consents_closed": row.consents_closed + writer.closed,
                    },
                )
            )
        if writer.events:
            uow.audit.append(tenant, writer.events, at)
        uow.commit()
    return _plus(
        totals,
        subjects=len(found),
        queued=writer.queued,
        closed=writer.closed,
        unreachable=writer.unreachable,
        done=done,
    )


def _plus(totals: NoticeRun, *, done: bool, **more: int) -> NoticeRun:
    return NoticeRun(
        totals.tenant,
        totals.version,
        totals.subjects + more.get("subjects", 0),
        totals.queued + more.get("queued", 0),
        totals.closed + more.get("closed", 0),
        totals.unreachable + more.get("unreachable", 0),
        done,
    )


class _Writer:
    """Tells the subjects of one batch, inside its unit of work."""

    def __init__(self, uow: UnitOfWork, policy: Policy, row: ChangeRecord, at: dt.datetime) -> None:
        self.uow, self.policy, self.row, self.at = uow, policy, row, at
        self.changes = [Change.from_json(c) for c in row.changes]
        self.removed = {
            str(c.params["purpose"]): c for c in self.changes if c.code == "purpose_removed"
        }
        self.emailed = row.notice_mode == ChangeNoticeMode.EMAIL_ON_MATERIAL_CHANGE.value
        self.events: list[AuditEvent] = []
        self.queued = self.closed = self.unreachable = 0

    def tell(self, subject: Addressee) -> None:
        lang = self.policy.reader_language(subject.language)
        gone = sorted(p for p in subject.consented if p in self.removed)
        if gone:
            self._close(subject, gone, lang)
        if self.emailed:
            told = touching(self.changes, subject.subject_type, subject.consented)
            if told:
                self._queue(subject, CHANGED, lang, [c.text(lang) for c in told])

    def _close(self, subject: Addressee, purposes: Sequence[str], lang: str) -> None:
        actor = self.row.published_by
        for purpose in purposes:
            closed, events = withdraw_within(
                self.uow, self.policy.tenant, subject.id, purpose, actor, self.at,
                reason="purpose_removed", policy_version=str(self.row.version),
            )  # fmt: skip
            self.closed += len(closed)
            self.events += events
        texts = [self.removed[p].text(lang) for p in purposes]
        self._queue(subject, REMOVED, lang, texts)

    def _queue(self, subject: Addressee, template: str, lang: str, lines: list[str]) -> None:
        if outbox.email_field(self.policy, subject.subject_type) is None:
            self.unreachable += 1
            return
        context = {
            "version": self.row.version,
            "last_updated": _date(self.row.last_updated, lang),
            "changes": lines,
        }
        message = outbox.queue(
            self.uow, self.policy.tenant, subject.id, template, lang, context, self.at
        )
        self.queued += 1
        self.events.append(
            AuditEvent(
                self.row.published_by,
                "policy.notice",
                subject.id,
                detail={
                    "version": self.row.version,
                    "template": template,
                    "message": message,
                    "changes": len(lines),
                },
            )
        )


def _date(day: dt.date, lang: str) -> str:
    """13/02/2026 in Vietnamese, 2026-02-13 in English: how each reader writes a date."""
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


def versions(uow: UnitOfWork, tenant: str) -> list[ChangeRecord]:
    """Every published version of the tenant, newest first, with what it changed."""
    with uow:
        return uow.policy_changes.of_tenant(tenant)


def version(uow: UnitOfWork, tenant: str, number: int) -> ChangeRecord:
    """One published version with what it changed; NotFound when the tenant has no such one."""
    with uow:
        found = uow.policy_changes.of_tenant(tenant, number)
    if not found:
        raise NotFound(f"policy version {number} not found")
    return found[0]
