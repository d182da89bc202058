"""End to end over HTTP: a staff call refused for want of a permission answers 403 as before,
leaves one `access.denied` entry (the permission and the route as declared, never the query)
and changes nothing; monitoring counts a staff member hammering a forbidden route."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from baomat import bootstrap
from baomat.domain.monitoring import DENIED_DECISIONS, Rules, Threshold
from baomat.domain.roles import Role
from baomat.services import alerts, audit, incidents, monitoring, subjects
from baomat.services.tenants import PolicyCache
from tests.integration.logins import staff_token, subject_token
from tests.integration.shop import AT
from tests.integration.tenancy import http

pytestmark = pytest.mark.usefixtures("fast_passwords")

INCIDENT = {
    "detected_at": AT.isoformat(),
    "description": "Khóa API của đối tác bị lộ.",
    "systems": ["API"],
    "window_start": (AT - dt.timedelta(hours=1)).isoformat(),
    "window_end": AT.isoformat(),
}


def _denied(app: bootstrap.App) -> list[tuple[str, str, dict[str, Any]]]:
    with app.uow(read_only=True) as uow:
        entries = uow.audit.entries("shop")
    return [
        (str(e["action"]), str(e["actor"]), json.loads(str(e["detail"])))
        for e in entries
        if e["outcome"] == "denied"
    ]


def test_a_call_refused_a_permission_is_audited_once_and_changes_nothing(
    app: bootstrap.App,
) -> None:
    support = staff_token(app, "shop", "chi.support", Role.SUPPORT)
    with http(app, support) as help_desk:
        opened = help_desk.post("/v1/incidents", json=INCIDENT)
        listed = help_desk.get("/v1/incidents", params={"state": "open"})
        one = help_desk.get("/v1/incidents/4f2a9c")

    assert (opened.status_code, opened.json()["error"]["code"]) == (403, "forbidden")
    assert listed.status_code == one.status_code == 403
    assert _denied(app) == [
        ("access.denied", "staff:chi.support", {
            "permission": "manage_incidents", "operation": "POST /v1/incidents",
            "role": "support", "reason": "missing_permission",
        }),
        ("access.denied", "staff:chi.support", {
            "permission": "manage_incidents,read_registers", "operation": "GET /v1/incidents",
            "role": "support", "reason": "missing_permission",
        }),
        ("access.denied", "staff:chi.support", {
            "permission": "manage_incidents,read_registers",
            "operation": "GET /v1/incidents/{incident_id}",
            "role": "support", "reason": "missing_permission",
        }),
    ]  # fmt: skip
    assert incidents.listed(app.uow(), "shop") == []
    checked, broken = audit.verify(app.uow(read_only=True), "shop")
    assert checked > 0 and broken is None


def test_a_call_allowed_leaves_no_denied_entry(app: bootstrap.App) -> None:
    dpo = staff_token(app, "shop", "an.dpo", Role.DPO)
    with http(app, dpo) as staff:
        assert staff.get("/v1/incidents").status_code == 200
    assert _denied(app) == []


def test_hammering_a_forbidden_route_raises_one_monitoring_alert_for_that_staff_member(
    app: bootstrap.App,
) -> None:
    support = staff_token(app, "shop", "chi.support", Role.SUPPORT)
    with http(app, support) as help_desk:
        for _ in range(4):
            assert help_desk.post("/v1/incidents", json=INCIDENT).status_code == 403
    rules = Rules(bulk_reads=None, denied_decisions=Threshold(3, 300), failed_logins=None)

    report = monitoring.sweep(app.uow, lambda: AT, rules)

    assert report.alerts == 1
    [alert] = alerts.list_alerts(app.uow(), "shop")
    assert (alert.kind, alert.detail["actor"], alert.detail["count"]) == (
        DENIED_DECISIONS, "staff:chi.support", 4,
    )  # fmt: skip


def test_a_subject_trying_staff_routes_is_audited_and_counted_like_staff(
    app: bootstrap.App,
) -> None:
    policy = PolicyCache().current(app.uow(), "shop")
    member = {"full_name": "Đỗ Thị Hoa", "email": "hoa.do@example.vn"}
    [sid] = subjects.register(app.uow(), policy, "member", [member], "test", AT)
    with http(app, subject_token(app, "shop", sid)) as session:
        for _ in range(4):
            assert session.get("/v1/incidents").status_code == 403
    rules = Rules(bulk_reads=None, denied_decisions=Threshold(3, 300), failed_logins=None)

    report = monitoring.sweep(app.uow, lambda: AT, rules)

    assert [(action, actor, d["reason"]) for action, actor, d in _denied(app)] == [
        ("access.denied", f"subject:{sid}", "staff_only")
    ] * 4
    assert report.alerts == 1
    [alert] = alerts.list_alerts(app.uow(), "shop")
    assert (alert.detail["actor"], alert.detail["count"]) == (f"subject:{sid}", 4)
