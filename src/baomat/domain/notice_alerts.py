"""Alerts on the clock of an incident's notice to the authority (A05): one when the deadline
is near, one when it passed with no notice sent, each raised once.

    notice_alert(incident, now=Sun 16:31 +07, lead=LeadTime(24, "hours"), cal)
    -> Alert(incident.notice_due, id of "incident:<id>:reminder:24_hours")  (due Mon 16:30 +07)
    notice_alert(incident, now=Mon 16:30 +07, ...)  -> Alert(incident.notice_overdue, ...)
    notice_alert(incident with a notice sent, ...)  -> None

The deadline is the incident's `authority_due`, set on opening from the tenant's
law profile (`breach_notice_authority`: 72 hours from detection under Law 91
Art. 23.1). Any notice sent (initial, or a single final one) stops the clock;
so does closing an incident found to be no breach. As for complaints
(`domain.reminders`), the most urgent stage reached is the one raised: an
incident first looked at after its deadline gets the overdue alert alone.
"""

from __future__ import annotations

import datetime as dt

from baomat.domain.alerts import INCIDENT_NOTICE_DUE, INCIDENT_NOTICE_OVERDUE, Alert
from baomat.domain.incidents import Incident, State
from baomat.domain.periods import WorkingDays
from baomat.domain.reminders import OVERDUE, LeadTime, plan

DEFAULT_LEAD_TIME = LeadTime(24, "hours")
"""A day before the deadline, a third of Law 91's 72 hours, unless the settings say otherwise
(`BAOMAT_INCIDENT_NOTICE_LEAD_HOURS`)."""


def awaits_notice(incident: Incident) -> bool:
    """Whether the incident's clock runs: it has a deadline, no notice is sent, it is open."""
    return (
        incident.authority_due is not None
        and not incident.notices
        and incident.state is not State.CLOSED
    )


def notice_alert(
    incident: Incident, now: dt.datetime, lead: LeadTime, calendar: WorkingDays
) -> Alert | None:
    """The alert the incident's notice clock calls for at `now`, linked to the incident, or
    None when no stage is reached yet or the clock does not run."""
    if not awaits_notice(incident):
        return None
    assert incident.authority_due is not None  # awaits_notice checked it
    stage = plan(incident.authority_due, (lead,), calendar, now).fire
    if stage is None:
        return None
    kind = INCIDENT_NOTICE_OVERDUE if stage.key == OVERDUE else INCIDENT_NOTICE_DUE
    detail = {
        "incident": incident.id,
        "stage": stage.key,
        "authority_due": incident.authority_due.astimezone(dt.UTC).isoformat(),
        "law_profile": incident.law_profile,
    }
    alert = Alert.once(f"incident:{incident.id}:{stage.key}", kind, incident.id, now, detail)
    alert.link(incident.id)
    return alert


__all__ = ["DEFAULT_LEAD_TIME", "awaits_notice", "notice_alert"]
