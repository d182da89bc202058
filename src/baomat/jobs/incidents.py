"""The incident sweep: staff alerted when a notice to the authority (A05) is near or overdue."""

from __future__ import annotations

from baomat.jobs.job import Context, Outcome
from baomat.services import notice_alerts


def sweep(ctx: Context) -> Outcome:
    """Raises the notice alerts due by now → counts."""
    report = notice_alerts.sweep(ctx.uow, ctx.clock)
    return Outcome(
        {"looked_at": report.looked_at, "due_soon": report.due_soon, "overdue": report.overdue}
    )
