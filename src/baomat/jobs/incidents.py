"""The incident sweep: staff alerted when a notice to the authority (A05) is near or overdue.

sweeper(lead_of(Settings(incident_notice_lead_hours=12)))
→ the job that alerts staff 12 hours before each deadline, and once it passed
"""

from __future__ import annotations

from collections.abc import Callable

from baomat.config import Settings
from baomat.domain.reminders import LeadTime
from baomat.jobs.job import Context, Outcome
from baomat.services import notice_alerts


def lead_of(settings: Settings) -> LeadTime:
    """Settings → how long before the A05 deadline staff are alerted."""
    return LeadTime(settings.incident_notice_lead_hours, "hours")


def sweeper(lead: LeadTime) -> Callable[[Context], Outcome]:
    """The job that sweeps with `lead`."""

    def sweep(ctx: Context) -> Outcome:
        """Raises the notice alerts due by now → counts."""
        report = notice_alerts.sweep(ctx.uow, ctx.clock, lead)
        return Outcome(
            {"looked_at": report.looked_at, "due_soon": report.due_soon, "overdue": report.overdue}
        )

    return sweep
