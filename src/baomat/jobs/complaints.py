"""The complaint sweep: reminders before each deadline and the overdue alert at it."""

from __future__ import annotations

from baomat.jobs.job import Context, Outcome
from baomat.services import complaints


def sweep(ctx: Context) -> Outcome:
    """Raises the reminders and overdue alerts due by now → counts."""
    report = complaints.sweep(ctx.uow, ctx.clock)
    return Outcome(
        {"looked_at": report.looked_at, "reminders": report.reminders, "overdue": report.overdue}
    )
