"""Use case: the retention sweep, run by hand or daily, dry or for real."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from baomat.domain.errors import Conflict, NotFound
from baomat.domain.periods import WorkingDays
from baomat.domain.retention import Action, Rule, Verdict, decide, rule_for
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
