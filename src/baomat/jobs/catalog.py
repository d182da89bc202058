"""The named jobs baomat runs, and when."""

from __future__ import annotations

from dataclasses import replace

from baomat.config import Settings
from baomat.jobs import complaints, incidents, mail, monitoring, notices, retention
from baomat.jobs.job import Job
from baomat.jobs.schedule import Daily, Every


def catalog(settings: Settings) -> dict[str, Job]:
    """Settings → every job by name, with the schedules the settings give."""
    jobs = [
        Job(
            "retention.sweep",
            retention.sweep,
            Daily(settings.retention_time),
            "Erase what each tenant's retention rules say must go; report holds and reviews.",
        ),
        Job(
            "complaints.sweep",
            complaints.sweep,
            Every(900),
            "Raise complaint reminders before each deadline and the overdue alert at it.",
        ),
        Job(
            "incidents.sweep",
            incidents.sweeper(incidents.lead_of(settings)),
            Every(300),
            f"Alert staff {settings.incident_notice_lead_hours} hours before an incident's notice "
            "to A05 is due, and once it is overdue.",
        ),
        Job(
            "monitoring.sweep",
            # The chain is verified by its own, hourly job: reading it whole is the heavy part.
            monitoring.sweeper(replace(monitoring.rules_of(settings), verify_chain=False)),
            Every(300),
            "Alert staff to bulk reads, refused decisions and logins since the last sweep.",
        ),
        Job(
            "policy.notices",
            notices.resume,
            Every(300),
            "Finish telling subjects of a published policy change where a run stopped.",
        ),
        Job(
            "outbox.send",
            mail.sender(mail.transport_for(settings)),
            Every(60),
            "Deliver the email waiting in the outbox to the SMTP server.",
        ),
    ]
    if settings.monitor_verify_chain:
        jobs.append(
            Job(
                "monitoring.chain",
                monitoring.chain_check,
                Every(3600),
                "Verify every tenant's audit chain; alert staff to a break.",
            )
        )
    return {job.name: job for job in jobs}
