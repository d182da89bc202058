"""The reminder sweep of complaints (`services.complaints.sweep`): reminders at lead times
before each deadline and the overdue alert at it, each raised once.

    complaints.sweep(app.uow, app.clock)                      → SweepReport(looked_at, ...)
    complaints.sweep(app.uow, app.clock, (LeadTime(3, "working_days"),))

It scales with the complaints that need a look now, not with the open ones:
each complaint carries `next_alert_at`, the next instant one of its stages
is reached (indexed), and the sweep reads only those whose instant has
come. Complaints that share a deadline share a plan, computed once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from baomat.domain import alerts as alert_kinds
from baomat.domain.alerts import Alert
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.complaints import AWAITING_ANSWER
from baomat.domain.periods import last_day
from baomat.domain.reminders import DEFAULT_LEAD_TIMES, OVERDUE, LeadTime, Plan, plan
from baomat.services import alerts
from baomat.store.uow import UnitOfWork

SWEEP_ACTOR = "job:complaints.sweep"


@dataclass(frozen=True, slots=True)
class SweepReport:
    looked_at: int = 0
    reminders: int = 0
    overdue: int = 0


def sweep(
    new_uow: Callable[..., UnitOfWork],
    clock: Callable[[], dt.datetime],
    lead_times: Sequence[LeadTime] = DEFAULT_LEAD_TIMES,
    *,
    batch: int = 10_000,
) -> SweepReport:
    """Raises the reminders and overdue alerts due by now, each once → what it raised.

    Reads only the complaints whose `next_alert_at` has come (an indexed
    range), in batches of `batch`, each batch one transaction: its alerts,
    their audit entries and each complaint's next look. A complaint gets the
    most urgent stage it reached (`domain.reminders.plan`), once per stage,
    whatever the number of runs; its next look is the next stage, or none
    after the overdue alert or once it is answered. A lead time added to the
    configuration counts from each complaint's next look.
    """
    now = clock()
    calendar = load_vn_calendar()
    stages: dict[dt.datetime, _Stage] = {}
    looked = reminders = overdue = 0
    while True:
        with new_uow() as uow:
            watched = uow.complaints.watched(now, batch)
            candidates: dict[str, list[Alert]] = {}
            looks: list[tuple[str, str, dt.datetime | None]] = []
            for w in watched:
                if w.state not in AWAITING_ANSWER or w.due is None:
                    looks.append((w.tenant, w.id, None))
                    continue
                stage = stages.get(w.due)
                if stage is None:  # complaints share deadlines: planned once per deadline
                    stage = stages[w.due] = _Stage.of(plan(w.due, lead_times, calendar, now), w.due)
                looks.append((w.tenant, w.id, stage.next_at))
                if stage.key is not None:
                    candidates.setdefault(w.tenant, []).append(stage.alert(w.id, w.state, now))
            uow.complaints.look_again(looks)
            for tenant, batch_alerts in candidates.items():
                for raised in alerts.raise_within(uow, tenant, batch_alerts, SWEEP_ACTOR, now):
                    if raised.kind == alert_kinds.COMPLAINT_OVERDUE:
                        overdue += 1
                    else:
                        reminders += 1
            uow.commit()
        looked += len(watched)
        if len(watched) < batch:
            return SweepReport(looked, reminders, overdue)


@dataclass(frozen=True, slots=True)
class _Stage:
    """What a sweep does with the complaints of one deadline: the stage to raise, the next look."""

    key: str | None
    next_at: dt.datetime | None
    last_day: str

    @classmethod
    def of(cls, found: Plan, due: dt.datetime) -> _Stage:
        key = None if found.fire is None else found.fire.key
        return cls(key, found.next_at, last_day(due).isoformat())

    def alert(self, complaint_id: str, state: str, now: dt.datetime) -> Alert:
        assert self.key is not None
        overdue = self.key == OVERDUE
        kind = alert_kinds.COMPLAINT_OVERDUE if overdue else alert_kinds.COMPLAINT_REMINDER
        detail = {
            "complaint": complaint_id,
            "stage": self.key,
            "state": state,
            "last_day": self.last_day,
        }
        return Alert.once(f"complaint:{complaint_id}:{self.key}", kind, complaint_id, now, detail)
