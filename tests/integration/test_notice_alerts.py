"""The A05 notice clock's alerts over a real store, on SQLite and PostgreSQL: raised a day before
the deadline and once it passed, each once, and not at all once a notice is sent."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from baomat import bootstrap
from baomat.domain.alerts import INCIDENT_NOTICE_DUE, INCIDENT_NOTICE_OVERDUE
from baomat.domain.incidents import Incident, Phase
from baomat.jobs.catalog import catalog
from baomat.jobs.runs import execute
from baomat.policy.model import Policy
from baomat.services import alerts, incidents, notice_alerts
from baomat.services._breach_notice import NoticeInput
from tests.integration.shop import AT

FOUND = AT - dt.timedelta(minutes=30)
DUE = FOUND + dt.timedelta(hours=72)
"""Law 91 Art. 23.1, the shop's law profile: 72 hours from detection."""
HOUR = dt.timedelta(hours=1)
DPO = "staff:an"


def _open(app: bootstrap.App, shop: Policy) -> Incident:
    return incidents.open_incident(
        app.uow(), shop, detected_at=FOUND, description="Lộ tệp sao lưu.", systems=["Sao lưu"],
        window_start=FOUND - 5 * HOUR, window_end=FOUND - HOUR, subject_types=["member"],
        actor=DPO, at=AT,
    )  # fmt: skip


def _sweep(app: bootstrap.App, at: dt.datetime) -> notice_alerts.SweepReport:
    return notice_alerts.sweep(app.uow, lambda: at)


def test_staff_are_alerted_a_day_before_the_a05_deadline_and_once_it_passed(
    app: bootstrap.App, shop: Policy
) -> None:
    incident = _open(app, shop)
    assert incident.authority_due == DUE

    early = _sweep(app, DUE - 25 * HOUR)
    soon = _sweep(app, DUE - 23 * HOUR)
    again = _sweep(app, DUE - 22 * HOUR)
    late = _sweep(app, DUE + HOUR)
    later = _sweep(app, DUE + 30 * HOUR)

    assert early == notice_alerts.SweepReport(looked_at=1)
    assert soon == notice_alerts.SweepReport(looked_at=1, due_soon=1)
    assert again == notice_alerts.SweepReport(looked_at=1)
    assert late == notice_alerts.SweepReport(looked_at=1, overdue=1)
    assert later == notice_alerts.SweepReport(looked_at=1)
    raised = alerts.list_alerts(app.uow(), "shop", kind="incident")
    assert [(a.kind, a.reference, a.incident_id) for a in raised] == [
        (INCIDENT_NOTICE_OVERDUE, incident.id, incident.id),
        (INCIDENT_NOTICE_DUE, incident.id, incident.id),
    ]
    with app.uow(read_only=True) as uow:
        audited = [e for e in uow.audit.entries("shop") if e["action"] == "alert.raise"]
    assert [(e["actor"], json.loads(str(e["detail"]))["kind"]) for e in audited] == [
        ("job:incidents.sweep", INCIDENT_NOTICE_DUE),
        ("job:incidents.sweep", INCIDENT_NOTICE_OVERDUE),
    ]


def test_a_notice_sent_in_time_stops_the_clock(app: bootstrap.App, shop: Policy) -> None:
    incident = _open(app, shop)
    given = NoticeInput(
        Phase.INITIAL, "Khách hàng có thể nhận thư giả mạo.", "Đã đổi mật khẩu.",
        contact_email="dpo@cuahangthu.vn",
    )  # fmt: skip
    incidents.notify_authority(app.uow(), shop, incident.id, given, DPO, DUE - 30 * HOUR)

    assert _sweep(app, DUE + HOUR) == notice_alerts.SweepReport()
    assert alerts.list_alerts(app.uow(), "shop", kind="incident") == []


def test_the_incidents_job_runs_the_sweep_every_five_minutes(
    app: bootstrap.App, shop: Policy
) -> None:
    _open(app, shop)
    job = catalog(app.settings)["incidents.sweep"]
    at = DUE + HOUR
    timed = replace(app, clock=lambda: at)
    assert job.schedule is not None

    run = execute(timed, job, job.schedule.latest(at), trigger="schedule", worker="test")

    assert job.schedule.period == dt.timedelta(minutes=5)
    assert run is not None and run.state == "done"
    assert run.counts == {"looked_at": 1, "due_soon": 0, "overdue": 1}


def test_a_configured_lead_alerts_that_many_hours_before_the_deadline(
    app: bootstrap.App, shop: Policy
) -> None:
    _open(app, shop)
    settings = app.settings.model_copy(update={"incident_notice_lead_hours": 6})
    job = catalog(settings)["incidents.sweep"]

    def run_at(at: dt.datetime) -> dict[str, int]:
        run = execute(replace(app, clock=lambda: at), job, at, trigger="manual", worker="test")
        assert run is not None and run.state == "done"
        return dict(run.counts)

    # The default lead (24 hours) would alert at 23 hours before; six hours alerts only later.
    assert run_at(DUE - 23 * HOUR) == {"looked_at": 1, "due_soon": 0, "overdue": 0}
    assert run_at(DUE - 5 * HOUR) == {"looked_at": 1, "due_soon": 1, "overdue": 0}
    (raised,) = alerts.list_alerts(app.uow(), "shop", kind="incident")
    assert (raised.kind, raised.detail["stage"]) == (
        INCIDENT_NOTICE_DUE, "reminder:6_hours",
    )  # fmt: skip
