"""Use cases: the retention sweep, run by hand or daily, dry or for real; and a staff review of
whether a subject's data is still needed (`while_needed` rules), which the sweep then counts
the next review from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Conflict, NotFound
from baomat.domain.periods import WorkingDays
from baomat.domain.retention import Action, Life, Rule, Verdict, decide, rule_for
from baomat.domain.retention import review as judge_review
from baomat.policy.model import Policy
from baomat.services import subjects
from baomat.services.tenants import PolicyCache
from baomat.store.lives import lives
from baomat.store.uow import UnitOfWork


@dataclass
class Report:
    """What a sweep found for one tenant: every subject not simply kept."""

    tenant: str
    checked: int = 0
    verdicts: list[Verdict] = field(default_factory=list)
    erased: int = 0

    def count(self, action: Action) -> int:
        return sum(1 for v in self.verdicts if v.action is action)


def _findings(
    uow: UnitOfWork, policy: Policy, now: dt.datetime, calendar: WorkingDays, report: Report
) -> Iterator[Verdict]:
    with uow:
        held = uow.holds.held_subjects(policy.tenant)
        rules: dict[str, Rule] = {}
        for life in lives(uow.conn, policy.tenant):
            report.checked += 1
            rule = rules.get(life.subject_type)
            if rule is None:
                rule = rules[life.subject_type] = rule_for(policy.retention, life.subject_type)
            verdict = decide(rule, life, now, life.subject in held, calendar)
            if verdict.action is not Action.KEEP:
                yield verdict


def sweep(
    new_uow: Callable[..., UnitOfWork],
    tenant: str,
    now: dt.datetime,
    calendar: WorkingDays,
    *,
    dry_run: bool,
    actor: str,
) -> Report:
    """Finds every subject whose retention has run out and, unless dry, erases it.

    Each erasure is its own unit of work with its audit entry (reason
    `retention:<rule id>`), so a failure leaves the others done. A subject under
    a legal hold is reported as held and kept.
    """
    # The scan only reads: a read-only unit of work never holds writers back,
    # however long a sweep of a million subjects takes.
    policy = PolicyCache().current(new_uow(read_only=True), tenant)
    report = Report(tenant)
    report.verdicts = list(_findings(new_uow(read_only=True), policy, now, calendar, report))
    if dry_run:
        return report
    for verdict in report.verdicts:
        if verdict.action is not Action.ERASE:
            continue
        try:
            subjects.erase(
                new_uow(), tenant, verdict.subject, f"retention:{verdict.rule}", actor, now
            )
        except (Conflict, NotFound):
            continue  # erased meanwhile, or a hold placed since the scan: kept, reported
        report.erased += 1
    return report


@dataclass(frozen=True)
class Review:
    """A recorded review: `next_review` when the data is kept, None when it was erased."""

    subject: str
    rule: str
    outcome: str
    reviewed_at: dt.datetime
    next_review: dt.datetime | None


def review(
    uow: UnitOfWork,
    policy: Policy,
    subject_id: str,
    outcome: str,
    actor: str,
    at: dt.datetime,
    calendar: WorkingDays,
) -> Review:
    """Staff record whether an open account's data is still needed → the review.

    `keep` records the review's time, from which the sweep counts the next
    (`review_every` later); `erase` erases the subject as the sweep does
    (tombstone reason `review:<rule id>`), refused while a legal hold keeps the
    data. Both are audited (`retention.review`, naming the rule and outcome) in
    the one transaction. NotFound for a subject not this tenant's or erased;
    Conflict under a rule without reviews or for a closed account
    (`domain.retention.review`).
    """
    tenant = policy.tenant
    with uow:
        record = uow.subjects.lock(tenant, subject_id)
        if record is None or record.status == "erased":
            raise NotFound("subject not found")
        try:
            rule = rule_for(policy.retention, record.subject_type)
        except LookupError:
            raise Conflict("subject: no retention rule of the policy covers its type") from None
        life = Life(
            record.id, record.subject_type, record.created_at, record.closed_at, record.reviewed_at
        )
        decided, next_at = judge_review(rule, life, outcome, at, calendar)
        events = [
            AuditEvent(
                actor,
                "retention.review",
                record.id,
                detail={"rule": rule.id, "outcome": decided.value},
            )
        ]
        if next_at is None:
            events.append(
                subjects.erase_within(uow, tenant, record.id, f"review:{rule.id}", actor, at)
            )
        else:
            uow.subjects.review(tenant, record.id, at)
        uow.audit.append(tenant, events, at)
        uow.commit()
    return Review(record.id, rule.id, decided.value, at, next_at)
