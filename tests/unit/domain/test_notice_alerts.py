"""The A05 notice clock's alerts: a day before the deadline, and at it, while no notice is sent."""

from __future__ import annotations

import datetime as dt

import pytest

from baomat.domain.alerts import INCIDENT_NOTICE_DUE, INCIDENT_NOTICE_OVERDUE
from baomat.domain.calendar import WorkingCalendar, load_vn_calendar
from baomat.domain.incidents import Incident, Notice, Outcome, Phase, Scope, Window
from baomat.domain.notice_alerts import DEFAULT_LEAD_TIME, notice_alert
from baomat.domain.periods import vietnam_tz
from baomat.domain.reminders import LeadTime

TZ = vietnam_tz()
FOUND = dt.datetime(2026, 2, 13, 16, 30, tzinfo=TZ)  # a Friday
DUE = FOUND + dt.timedelta(hours=72)  # Mon 16:30, Law 91 Art. 23.1
SECOND = dt.timedelta(seconds=1)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_vn_calendar()


def _incident(incident_id: str = "i1") -> Incident:
    window = Window.check(FOUND - dt.timedelta(hours=8), FOUND - dt.timedelta(hours=4), FOUND)
    incident = Incident.open(
        incident_id, law_profile="law-91-2025", detected_at=FOUND, window=window,
        description="Máy chủ sao lưu bị truy cập.", systems=["Sao lưu"], scope=Scope(),
        actor="staff:an", at=FOUND,
    )  # fmt: skip
    incident.authority_due = DUE
    return incident


def test_nothing_is_raised_more_than_a_day_before_the_deadline(cal: WorkingCalendar) -> None:
    assert (
        notice_alert(_incident(), DUE - dt.timedelta(hours=24) - SECOND, DEFAULT_LEAD_TIME, cal)
        is None
    )


def test_a_day_before_the_deadline_the_notice_is_due_soon(cal: WorkingCalendar) -> None:
    alert = notice_alert(_incident(), DUE - dt.timedelta(hours=24), DEFAULT_LEAD_TIME, cal)

    assert alert is not None
    assert (alert.kind, alert.reference, alert.incident_id) == (INCIDENT_NOTICE_DUE, "i1", "i1")
    assert alert.detail == {
        "incident": "i1",
        "stage": "reminder:24_hours",
        "authority_due": "2026-02-16T09:30:00+00:00",
        "law_profile": "law-91-2025",
    }


def test_at_the_deadline_without_a_notice_it_is_overdue(cal: WorkingCalendar) -> None:
    alert = notice_alert(_incident(), DUE, DEFAULT_LEAD_TIME, cal)

    assert alert is not None
    assert alert.kind == INCIDENT_NOTICE_OVERDUE
    assert alert.detail["stage"] == "overdue"


def test_each_stage_names_the_same_alert_every_time_and_another_than_the_other_stage(
    cal: WorkingCalendar,
) -> None:
    soon = [
        notice_alert(_incident(), DUE - dt.timedelta(hours=h), DEFAULT_LEAD_TIME, cal)
        for h in (20, 2)
    ]
    late = notice_alert(_incident(), DUE + dt.timedelta(days=3), DEFAULT_LEAD_TIME, cal)
    other = notice_alert(_incident("i2"), DUE, DEFAULT_LEAD_TIME, cal)

    assert soon[0] is not None and soon[1] is not None and late is not None and other is not None
    assert soon[0].id == soon[1].id
    assert len({soon[0].id, late.id, other.id}) == 3


def test_a_sent_notice_stops_the_clock(cal: WorkingCalendar) -> None:
    incident = _incident()
    sent = FOUND + dt.timedelta(hours=30)
    incident.record_notice(Notice(1, Phase.INITIAL, sent, "staff:an", "a" * 64, "b" * 64, False))

    assert notice_alert(incident, DUE + SECOND, DEFAULT_LEAD_TIME, cal) is None


def test_an_incident_closed_as_no_breach_raises_nothing(cal: WorkingCalendar) -> None:
    incident = _incident()
    incident.close(Outcome.NO_BREACH, "Không phải sự cố.", FOUND + SECOND, "staff:an", notifiable=0)

    assert notice_alert(incident, DUE, DEFAULT_LEAD_TIME, cal) is None


def test_an_incident_without_a_deadline_in_its_law_profile_raises_nothing(
    cal: WorkingCalendar,
) -> None:
    incident = _incident()
    incident.authority_due = None

    assert notice_alert(incident, DUE, DEFAULT_LEAD_TIME, cal) is None


def test_the_lead_time_is_a_parameter(cal: WorkingCalendar) -> None:
    twelve = LeadTime(12, "hours")

    assert notice_alert(_incident(), DUE - dt.timedelta(hours=13), twelve, cal) is None
    alert = notice_alert(_incident(), DUE - dt.timedelta(hours=12), twelve, cal)
    assert alert is not None and alert.detail["stage"] == "reminder:12_hours"
