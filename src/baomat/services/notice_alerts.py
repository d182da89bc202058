"""The sweep of incidents' notice clocks: staff alerted when a notice to the authority (A05)
is due within the lead time (a day unless configured), and when it is overdue, each once
(`domain.notice_alerts`).

    sweep(app.uow, app.clock)                          → SweepReport(looked_at=2, due_soon=1)
    sweep(app.uow, app.clock, LeadTime(12, "hours"))

Open incidents are few: each tenant's incidents still without a notice are
read whole, one transaction per tenant with its alerts and their audit
entries (`alert.raise`, by kind and count, never personal data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from baomat.domain import alerts as alert_kinds
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.incidents import State
from baomat.domain.notice_alerts import DEFAULT_LEAD_TIME, awaits_notice, notice_alert
from baomat.domain.reminders import LeadTime
from baomat.services import alerts
from baomat.store.uow import UnitOfWork

SWEEP_ACTOR = "job:incidents.sweep"
CLOCK_STATES = (State.OPEN, State.SUBJECTS_NOTIFIED)
"""States an incident without a notice to A05 can be in: subjects may be told first."""
MAX_OPEN = 100_000
"""Incidents read per tenant and state: far more than any tenant has open at once."""


@dataclass(frozen=True, slots=True)
class SweepReport:
    looked_at: int = 0
    """Incidents whose notice clock runs."""
    due_soon: int = 0
    overdue: int = 0


def sweep(
    new_uow: Callable[..., UnitOfWork],
    clock: Callable[[], dt.datetime],
    lead: LeadTime = DEFAULT_LEAD_TIME,
) -> SweepReport:
    """Raises the notice alerts due by now across every tenant, each once → what it raised."""
    now = clock()
    calendar = load_vn_calendar()
    with new_uow(read_only=True) as uow:
        tenant_ids = uow.tenants.ids()
    looked = due_soon = overdue = 0
    for tenant in tenant_ids:
        with new_uow() as uow:
            waiting = [
                incident
                for state in CLOCK_STATES
                for incident in uow.incidents.listed(tenant, state, MAX_OPEN)
                if awaits_notice(incident)
            ]
            looked += len(waiting)
            found = [notice_alert(i, now, lead, calendar) for i in waiting]
            candidates = [alert for alert in found if alert is not None]
            if not candidates:
                continue
            for raised in alerts.raise_within(uow, tenant, candidates, SWEEP_ACTOR, now):
                if raised.kind == alert_kinds.INCIDENT_NOTICE_OVERDUE:
                    overdue += 1
                else:
                    due_soon += 1
            uow.commit()
    return SweepReport(looked, due_soon, overdue)
