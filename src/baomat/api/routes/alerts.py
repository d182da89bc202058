"""Alerts to staff: listed newest first, acknowledged once.

`GET /v1/alerts` lists the open ones (`include_acknowledged` for all), of a
kind (`complaint.overdue`) or a family (`complaint`); `POST
/v1/alerts/{alert_id}/acknowledge` records who saw one; `POST
/v1/alerts/{alert_id}/incident` ties one to an incident. The auditor reads them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from baomat.api import errors
from baomat.api.deps import ClockDep, UowDep, require
from baomat.domain.alerts import Alert
from baomat.domain.login import Principal
from baomat.domain.roles import Permission
from baomat.services import alerts

router = APIRouter(tags=["alerts"], responses=errors.responses(401, 403, 422))

AlertId = Annotated[str, Path(max_length=64, description="The alert's id.")]


Reader = Annotated[Principal, require(Permission.HANDLE_ALERTS, Permission.READ_REGISTERS)]
"""Staff who handle alerts, or the auditor, who reads them."""


class AlertOut(BaseModel):
    id: str
    kind: str
    reference: str
    raised_at: dt.datetime
    detail: dict[str, str | int | bool | None]
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    incident_id: str | None

    @classmethod
    def of(cls, alert: Alert) -> AlertOut:
        return cls(
            id=alert.id, kind=alert.kind, reference=alert.reference, raised_at=alert.raised_at,
            detail=dict(alert.detail), acknowledged_at=alert.acknowledged_at,
            acknowledged_by=alert.acknowledged_by, incident_id=alert.incident_id,
        )  # fmt: skip


class IncidentLink(BaseModel):
    incident_id: Annotated[str, Field(min_length=1, max_length=64)]


class Alerts(BaseModel):
    alerts: list[AlertOut]


@router.get("/alerts")
def list_alerts(
    staff: Reader,
    uow: UowDep,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    include_acknowledged: bool = False,
) -> Alerts:
    """The tenant's alerts, newest first: the open ones, or all."""
    found = alerts.list_alerts(uow, staff.tenant, open_only=not include_acknowledged, kind=kind)
    return Alerts(alerts=[AlertOut.of(a) for a in found])


@router.post("/alerts/{alert_id}/acknowledge", responses=errors.responses(404, 409))
def acknowledge_alert(
    alert_id: AlertId,
    staff: Annotated[Principal, require(Permission.HANDLE_ALERTS)],
    uow: UowDep,
    now: ClockDep,
) -> AlertOut:
    """Records that `staff` saw the alert and acts on it; 409 when already acknowledged."""
    return AlertOut.of(alerts.acknowledge(uow, staff.tenant, alert_id, staff.actor, now))


@router.post("/alerts/{alert_id}/incident", responses=errors.responses(400, 404, 409))
def link_alert_to_incident(
    alert_id: AlertId,
    body: IncidentLink,
    staff: Annotated[Principal, require(Permission.MANAGE_INCIDENTS)],
    uow: UowDep,
    now: ClockDep,
) -> AlertOut:
    """Ties the alert to one of the tenant's incidents; 404 when either is not found, 409 when
    it is tied to another."""
    found = alerts.link_incident(uow, staff.tenant, alert_id, body.incident_id, staff.actor, now)
    return AlertOut.of(found)
