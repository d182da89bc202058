"""An alert to staff: something needs a person's attention (a deadline near or past; later,
monitoring's findings). It is raised once per key, listed, acknowledged once by someone, and
may be linked to an incident. Its detail holds ids, kinds and states, never personal data.

    alert = Alert.once("complaint:c1:overdue", "complaint.overdue", "c1", at, {"complaint": "c1"})
    alert.id       -> the same for the same key, so raising it again does nothing
    alert.acknowledge(later, "staff:lan")
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from baomat.domain.errors import Conflict, Invalid

COMPLAINT_REMINDER = "complaint.reminder"
"""A complaint's deadline is near (a lead time reached)."""
COMPLAINT_OVERDUE = "complaint.overdue"
"""A complaint's deadline passed without an answer."""
INCIDENT_NOTICE_DUE = "incident.notice_due"
"""An incident's notice to the authority (A05) is due within the lead time, none sent yet."""
INCIDENT_NOTICE_OVERDUE = "incident.notice_overdue"
"""An incident's notice to the authority (A05) is past its deadline, none sent."""

Detail = Mapping[str, str | int | bool | None]


@dataclass(slots=True)
class Alert:
    id: str
    kind: str
    reference: str
    """What it is about: a complaint's id, an actor, a rule."""
    raised_at: dt.datetime
    detail: Detail = field(default_factory=dict)
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None
    incident_id: str | None = None

    @classmethod
    def once(cls, key: str, kind: str, reference: str, at: dt.datetime, detail: Detail) -> Alert:
        """The alert raised once per `key` (`complaint:<id>:overdue`): its id is derived
        from the key, so the same key always names the same alert."""
        if not key:
            raise ValueError("an alert needs a key")
        return cls(hashlib.sha256(key.encode()).hexdigest()[:32], kind, reference, at, detail)

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    def acknowledge(self, at: dt.datetime, actor: str) -> None:
        """Someone has seen it and acts: recorded once, with who and when."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("times must be timezone-aware")
        if not self.is_open:
            raise Conflict("alert: it is already acknowledged")
        if not actor.strip():
            raise Invalid("actor", "must name who acknowledges")
        self.acknowledged_at = at
        self.acknowledged_by = actor

    def link(self, incident_id: str) -> None:
        """Ties the alert to the incident it led to (or belongs to): once; the same again is
        a no-op, another one a Conflict."""
        if not incident_id.strip():
            raise Invalid("incident_id", "must name an incident")
        if self.incident_id not in (None, incident_id):
            raise Conflict("alert: it is already linked to another incident")
        self.incident_id = incident_id


__all__ = [
    "COMPLAINT_OVERDUE",
    "COMPLAINT_REMINDER",
    "INCIDENT_NOTICE_DUE",
    "INCIDENT_NOTICE_OVERDUE",
    "Alert",
    "Detail",
]
