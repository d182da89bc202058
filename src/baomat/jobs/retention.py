"""The daily retention sweep: every tenant's retention rules applied, for real."""

from __future__ import annotations

import logging

from baomat.domain.calendar import load_vn_calendar
from baomat.domain.retention import Action
from baomat.jobs.job import Context, Outcome
from baomat.services import retention

ACTOR = "job:retention.sweep"
"""Who erases, in the audit trail: entries read `subject.erase` by this actor with
reason `retention:<rule id>`, as a `baomat retention run` by hand does with its user."""

log = logging.getLogger(__name__)


def sweep(ctx: Context) -> Outcome:
    """Every tenant swept as at now → counts of subjects checked, erased, held, due for review.

    One tenant failing (a policy that no longer loads, a lost connection) does
    not keep the others from being swept; it is named in the outcome.
    """
    now = ctx.clock()
    calendar = load_vn_calendar()
    with ctx.uow(read_only=True) as uow:
        tenant_ids = uow.tenants.ids()
    counts = dict.fromkeys(("tenants", "checked", "erased", "held", "review"), 0)
    failures: list[str] = []
    for tenant in tenant_ids:
        try:
            report = retention.sweep(ctx.uow, tenant, now, calendar, dry_run=False, actor=ACTOR)
        except Exception as exc:  # one tenant's failure is reported, the rest still swept
            log.exception("retention sweep of tenant %s failed", tenant)
            failures.append(f"{tenant}: {type(exc).__name__}")
            continue
        counts["tenants"] += 1
        counts["checked"] += report.checked
        counts["erased"] += report.erased
        counts["held"] += report.count(Action.HELD)
        counts["review"] += report.count(Action.REVIEW)
    return Outcome(counts, tuple(failures))
