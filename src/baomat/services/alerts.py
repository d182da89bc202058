"""Use cases about alerts to staff: raise (once per key), list, acknowledge.

    overdue = Alert.once(f"complaint:{c.id}:overdue", COMPLAINT_OVERDUE, c.id, now, {...})
    raise_within(uow, "wesale", [overdue], "job:complaints.sweep", now)  → [overdue], then []
    list_alerts(uow, "wesale")                         → the open ones, newest first
    acknowledge(uow, "wesale", alert_id, "staff:lan", now)
    link_incident(uow, "wesale", alert_id, incident_id, "staff:lan", now)

Kinds are dotted names (`complaint.reminder`, `complaint.overdue`; monitoring
adds its own). Raising and acknowledging are audited (`alert.raise`, by kind
and count; `alert.acknowledge`, each) with ids and kinds, never personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from baomat.domain.alerts import Alert
from baomat.domain.audit import AuditEvent
from baomat.domain.errors import Invalid, NotFound
from baomat.store.uow import UnitOfWork

MAX_LISTED = 500


def raise_within(
    uow: UnitOfWork, tenant: str, candidates: Sequence[Alert], actor: str, at: dt.datetime
) -> list[Alert]:
    """Inside an open unit of work: stores the alerts whose key is new → those.

    Audited as one `alert.raise` entry per kind with the count (and the
    alert's id when it is one): a sweep may raise thousands at once, and
    each alert is in the register with its time already.
    """
    raised = uow.alerts.raise_new(tenant, candidates)
    by_kind: dict[str, list[Alert]] = {}
    for alert in raised:
        by_kind.setdefault(alert.kind, []).append(alert)
    events = []
    for kind, group in sorted(by_kind.items()):
        detail: dict[str, str | int | bool | None] = {"kind": kind, "count": len(group)}
        if len(group) == 1:
            detail |= {"alert": group[0].id, "reference": group[0].reference}
        events.append(AuditEvent(actor, "alert.raise", detail=detail))
    uow.audit.append(tenant, events, at)
    return raised


def list_alerts(
    uow: UnitOfWork,
    tenant: str,
    *,
    open_only: bool = True,
    kind: str | None = None,
    reference: str | None = None,
) -> list[Alert]:
    """The tenant's alerts, newest first (at most `MAX_LISTED`): open ones unless asked for all;
    `kind` may be a whole kind (`complaint.overdue`) or its family (`complaint`)."""
    if kind is not None and not kind.strip(" ."):
        raise Invalid("kind", "must name a kind or a family of kinds, e.g. complaint.overdue")
    with uow:
        return uow.alerts.listed(
            tenant, open_only=open_only, kind=kind, reference=reference, limit=MAX_LISTED
        )


def acknowledge(uow: UnitOfWork, tenant: str, alert_id: str, actor: str, at: dt.datetime) -> Alert:
    """Marks an open alert seen, by `actor` at `at` → the alert; Conflict when already seen."""
    with uow:
        alert = uow.alerts.get(tenant, alert_id, lock=True)
        if alert is None:
            raise NotFound("alert not found")
        alert.acknowledge(at, actor)
        uow.alerts.save(tenant, alert)
        event = AuditEvent(
            actor, "alert.acknowledge", detail={"alert": alert.id, "kind": alert.kind}
        )
        uow.audit.append(tenant, [event], at)
        uow.commit()
    return alert


def link_incident(
    uow: UnitOfWork, tenant: str, alert_id: str, incident_id: str, actor: str, at: dt.datetime
) -> Alert:
    """Ties an alert to one of the tenant's incidents → the alert; NotFound when either is not
    this tenant's, Conflict when it is tied to another. Audited as `alert.link`."""
    with uow:
        alert = uow.alerts.get(tenant, alert_id, lock=True)
        if alert is None:
            raise NotFound("alert not found")
        if uow.incidents.get(tenant, incident_id) is None:
            raise NotFound("incident not found")
        if alert.incident_id == incident_id:
            return alert
        alert.link(incident_id)
        uow.alerts.save(tenant, alert)
        detail = {"alert": alert.id, "kind": alert.kind, "incident": incident_id}
        uow.audit.append(tenant, [AuditEvent(actor, "alert.link", detail=detail)], at)
        uow.commit()
    return alert
