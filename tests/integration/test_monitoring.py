"""Monitoring's sweep over the audit trail: bulk reads, refused decisions and logins, a broken
chain; alerts raised once, linked to an incident, hidden from other tenants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
import yaml
from sqlalchemy import text

from baomat import bootstrap
from baomat.domain import monitoring as rules
from baomat.domain.audit import AuditEvent
from baomat.domain.errors import NotFound
from baomat.domain.monitoring import Rules, Threshold, window_start
from baomat.domain.roles import Role
from baomat.policy.model import Policy
from baomat.services import alerts, incidents, monitoring, tenants
from tests.integration.logins import staff_token
from tests.integration.shop import AT, SHOP
from tests.integration.tenancy import http

pytestmark = pytest.mark.usefixtures("fast_passwords")

START = window_start(AT, 300) + dt.timedelta(seconds=10)
"""Ten seconds into a five-minute window: what the tests write stays inside it."""
READER = "staff:mallory"


def _write(app: bootstrap.App, events: Sequence[AuditEvent], tenant: str = "shop") -> None:
    """Appends each event a second after the one before, from START."""
    with app.uow() as uow:
        for i, event in enumerate(events):
            uow.audit.append(tenant, [event], START + dt.timedelta(seconds=i))
        uow.commit()


def _reads(n: int, first: int = 0, actor: str = READER) -> list[AuditEvent]:
    return [AuditEvent(actor, "subject.read", f"s{first + i:04d}") for i in range(n)]


def _sweep(app: bootstrap.App, minutes: int = 10) -> monitoring.SweepReport:
    return monitoring.sweep(app.uow, lambda: START + dt.timedelta(minutes=minutes))


def _kinds(app: bootstrap.App, tenant: str = "shop") -> list[str]:
    return sorted(a.kind for a in alerts.list_alerts(app.uow(), tenant))


def test_a_staff_account_reading_150_subjects_in_5_minutes_raises_one_bulk_read_alert(
    app: bootstrap.App,
) -> None:
    _write(app, _reads(150))
    report = _sweep(app)
    [alert] = alerts.list_alerts(app.uow(), "shop")
    assert (report.alerts, alert.kind, alert.reference) == (1, rules.BULK_READS, READER)
    assert alert.detail["count"] == 150 and alert.detail["limit"] == 100
    with app.uow() as uow:
        [raised] = [e for e in uow.audit.entries("shop") if e["action"] == "alert.raise"]
    assert '"s0' not in str(raised["detail"])  # counts and ids of alerts, no subject


def test_reading_50_subjects_raises_nothing(app: bootstrap.App) -> None:
    _write(app, _reads(50))
    assert _sweep(app).alerts == 0
    assert _kinds(app) == []


def test_a_window_that_spans_two_sweeps_is_judged_whole_and_alerts_once(
    app: bootstrap.App,
) -> None:
    _write(app, _reads(60))
    assert _sweep(app, minutes=2).alerts == 0
    with app.uow() as uow:
        for i, event in enumerate(_reads(60, first=60)):
            uow.audit.append("shop", [event], START + dt.timedelta(seconds=100 + i))
        uow.commit()
    assert _sweep(app, minutes=4).alerts == 1
    assert _sweep(app, minutes=9).alerts == 0
    assert _kinds(app) == [rules.BULK_READS]


def test_repeated_refused_decisions_raise_an_alert_per_actor(app: bootstrap.App) -> None:
    denied = [AuditEvent("crm", "decision", f"s{i}", outcome="deny") for i in range(25)]
    allowed = [AuditEvent("web", "decision", f"s{i}", outcome="allow") for i in range(25)]
    _write(app, denied + allowed)
    _sweep(app)
    [alert] = alerts.list_alerts(app.uow(), "shop")
    assert (alert.kind, alert.reference, alert.detail["count"]) == (
        rules.DENIED_DECISIONS, "crm", 25,
    )  # fmt: skip


def test_many_failed_logins_across_accounts_raise_one_tenant_alert(app: bootstrap.App) -> None:
    failed = [
        AuditEvent(f"staff:guess{i % 7}", "staff.login", outcome="denied") for i in range(15)
    ] + [AuditEvent("anonymous", "subject.login", outcome="denied") for _ in range(10)]
    _write(app, failed)
    _sweep(app)
    [alert] = alerts.list_alerts(app.uow(), "shop")
    assert (alert.kind, alert.reference, alert.detail["count"]) == (
        rules.FAILED_LOGINS, "tenant", 25,
    )  # fmt: skip


def test_thresholds_come_from_the_rules_given(app: bootstrap.App) -> None:
    _write(app, _reads(50))
    strict = Rules(bulk_reads=Threshold(40, 300))
    report = monitoring.sweep(app.uow, lambda: START + dt.timedelta(minutes=10), strict)
    assert report.alerts == 1


def test_an_audit_row_edited_with_sql_raises_one_chain_alert(app: bootstrap.App) -> None:
    _write(app, _reads(3))
    with app.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entries SET actor = 'staff:nobody' WHERE tenant_id = 'shop' "
                 "AND action = 'subject.read' AND subject = 's0001'")
        )  # fmt: skip
    report = _sweep(app)
    assert (report.alerts, report.broken_chains) == (0, 1)
    [alert] = alerts.list_alerts(app.uow(), "shop")
    assert alert.kind == rules.AUDIT_CHAIN_BROKEN and alert.detail["seq"]
    assert _sweep(app, minutes=15).broken_chains == 0  # the same break: no second alert
    assert _kinds(app) == [rules.AUDIT_CHAIN_BROKEN]


def test_running_the_sweep_twice_raises_nothing_new(app: bootstrap.App) -> None:
    _write(app, _reads(150) + [AuditEvent("crm", "decision", outcome="deny")] * 30)
    assert _sweep(app).alerts == 2
    with app.uow() as uow:
        before = len(uow.audit.entries("shop"))
    again = _sweep(app, minutes=11)
    with app.uow() as uow:
        after = len(uow.audit.entries("shop"))
    assert (again.alerts, again.broken_chains, after) == (0, 0, before)
    assert _kinds(app) == [rules.BULK_READS, rules.DENIED_DECISIONS]


def _other_tenant(app: bootstrap.App) -> None:
    document = {**SHOP, "tenant": "other"}
    policy = Policy.model_validate(document)
    tenants.publish_policy(app.uow(), policy, yaml.safe_dump(document), "test", AT)


def _incident(app: bootstrap.App, policy: Policy) -> str:
    incident = incidents.open_incident(
        app.uow(), policy, detected_at=AT, description="Đọc hàng loạt", systems=["CRM"],
        window_start=AT - dt.timedelta(hours=1), window_end=AT, actors=[READER], actor="test",
        at=AT,
    )  # fmt: skip
    return incident.id


def test_an_alert_is_linked_to_an_incident_by_its_manager_and_hidden_from_other_tenants(
    app: bootstrap.App, shop: Policy
) -> None:
    _other_tenant(app)
    _write(app, _reads(150))
    _write(app, _reads(150), tenant="other")
    _sweep(app)
    [alert] = alerts.list_alerts(app.uow(), "shop")
    [theirs] = alerts.list_alerts(app.uow(), "other")
    incident = _incident(app, shop)
    dpo = staff_token(app, "shop", "dpo.shop", Role.DPO)
    support = staff_token(app, "shop", "support.shop", Role.SUPPORT)
    with http(app) as client:
        body = {"incident_id": incident}
        dpo_auth = {"Authorization": f"Bearer {dpo}"}
        refused = client.post(
            f"/v1/alerts/{alert.id}/incident", json=body,
            headers={"Authorization": f"Bearer {support}"},
        )  # fmt: skip
        linked = client.post(f"/v1/alerts/{alert.id}/incident", json=body, headers=dpo_auth)
        again = client.post(f"/v1/alerts/{alert.id}/incident", json=body, headers=dpo_auth)
        foreign = client.post(f"/v1/alerts/{theirs.id}/incident", json=body, headers=dpo_auth)
        unknown = client.post(
            f"/v1/alerts/{alert.id}/incident", json={"incident_id": "0" * 32}, headers=dpo_auth
        )
    assert (refused.status_code, linked.status_code, again.status_code) == (403, 200, 200)
    assert linked.json()["incident_id"] == incident
    assert (foreign.status_code, unknown.status_code) == (404, 404)
    assert alerts.list_alerts(app.uow(), "other")[0].incident_id is None
    with app.uow() as uow:
        links = [e for e in uow.audit.entries("shop") if e["action"] == "alert.link"]
    assert len(links) == 1


def test_an_alert_of_another_tenant_cannot_be_linked_to_its_own_incident(
    app: bootstrap.App, shop: Policy
) -> None:
    _other_tenant(app)
    _write(app, _reads(150), tenant="other")
    _sweep(app)
    [theirs] = alerts.list_alerts(app.uow(), "other")
    with pytest.raises(NotFound):
        alerts.link_incident(app.uow(), "shop", theirs.id, _incident(app, shop), "staff:x", AT)


def test_the_hourly_chain_check_alone_finds_a_break_the_five_minute_sweep_skips(
    app: bootstrap.App,
) -> None:
    _write(app, _reads(3))
    with app.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_entries SET actor = 'staff:nobody' WHERE tenant_id = 'shop' "
                 "AND action = 'subject.read' AND subject = 's0002'")
        )  # fmt: skip
    at = START + dt.timedelta(minutes=10)

    quick = monitoring.sweep(app.uow, lambda: at, Rules(verify_chain=False))
    found = monitoring.verify_chains(app.uow, lambda: at)
    again = monitoring.verify_chains(app.uow, lambda: at + dt.timedelta(hours=1))

    assert (quick.broken_chains, found, again) == (0, 1, 0)
    assert _kinds(app) == [rules.AUDIT_CHAIN_BROKEN]
