"""Breach incidents over a real store, on SQLite and PostgreSQL: the breach drill of issue 4, the
clock, notices in phases, the subjects' email through a real SMTP server, holds, the report.

The drill: a staff account reads 500 generated subjects (Faker vi_VN) through the read path;
the incident finds exactly those 500 and their data categories, and none read by someone else
or outside the window; the notice to A05 holds every item LAW.md lists; 500 emails reach the
local SMTP server, one per subject, each in the subject's language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections import Counter

import pytest
import yaml
from faker import Faker
from pypdf import PdfReader
from sqlalchemy import event

from baomat import bootstrap
from baomat.domain.consent import ConsentRequest, shown_text_sha256
from baomat.domain.decision import Denied
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.domain.incidents import Phase, State
from baomat.domain.periods import vietnam_tz
from baomat.policy.loader import parse_policy
from baomat.policy.model import Policy
from baomat.services import consents, incidents, outbox, subjects, tenants
from baomat.services._breach_notice import REQUIRED, NoticeInput, say
from baomat.services.tenants import PolicyCache
from tests.integration.mailserver import MailServer
from tests.integration.shop import SHOP

TZ = vietnam_tz()
REGISTERED = dt.datetime(2026, 2, 12, 9, 0, tzinfo=TZ)
START = dt.datetime(2026, 2, 13, 8, 0, tzinfo=TZ)
END = dt.datetime(2026, 2, 13, 12, 0, tzinfo=TZ)
FOUND_AT = dt.datetime(2026, 2, 13, 16, 30, tzinfo=TZ)  # a Friday
NOW = dt.datetime(2026, 2, 13, 17, 0, tzinfo=TZ)
SECOND = dt.timedelta(seconds=1)
MALLORY = "staff:mallory"
DPO = "staff:an"

DRILL = {
    **SHOP,
    "tenant": "drill",
    "organisation": {
        **SHOP["organisation"],
        "contact_unit": {"vi": "Bộ phận Bảo vệ dữ liệu", "en": "Data protection unit"},
        "emails": ["dpo@cuahangthu.vn"],
        "phones": ["024 3825 1234"],
    },
    "subject_types": [
        {**SHOP["subject_types"][0],
         "fields": [*SHOP["subject_types"][0]["fields"],
                    {"id": "last_location",
                     "label": {"vi": "Vị trí gần nhất", "en": "Last location"},
                     "type": "text", "category": "location", "sensitivity": "sensitive"}]},
    ],
    "purposes": [
        *SHOP["purposes"],
        {"id": "delivery_tracking", "text": {"vi": "Theo dõi giao hàng", "en": "Delivery tracking"},
         "legal_basis": "consent", "consent": "opt_in", "fields": ["last_location"]},
    ],
}  # fmt: skip
"""The shop, with its data-protection contact and a sensitive location field behind consent."""


def _publish(app: bootstrap.App, document: dict[str, object]) -> Policy:
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    policy = parse_policy(text, "drill.yaml")
    tenants.publish_policy(app.uow(), policy, text, "test", REGISTERED)
    return policy


@pytest.fixture
def drill(app: bootstrap.App) -> Policy:
    return _publish(app, DRILL)


def _people(n: int, seed: int = 91) -> list[dict[str, str]]:
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    return [
        {"full_name": fake.name(), "email": f"khach{seed}.{i}@example.vn",
         "last_location": fake.city()}
        for i in range(n)
    ]  # fmt: skip


def _consent(app: bootstrap.App, policy: Policy, subject: str, purpose: str, lang: str) -> None:
    text = policy.purpose(purpose)
    assert text is not None
    request = ConsentRequest(
        subject, purpose, policy.version, shown_text_sha256(text.text.in_(lang)), lang, "web", True
    )
    consents.give(app.uow(), policy, request, "test", REGISTERED)


def _read(
    app: bootstrap.App, policy: Policy, subject: str, fields: list[str], purpose: str, actor: str,
    at: dt.datetime,
) -> None:  # fmt: skip
    subjects.read(app.uow(), policy, subject, fields, purpose, actor, at)


def _deliver_all(app: bootstrap.App, server: MailServer) -> int:
    sent = 0
    while (
        delivery := outbox.deliver(app.uow, PolicyCache(), server.transport(), lambda: NOW)
    ).sent:
        sent += delivery.sent
    return sent


def _holds(app: bootstrap.App, tenant: str, subject: str) -> list[str]:
    with app.uow(read_only=True) as uow:
        return [h.reference for h in uow.holds.open_for(tenant, subject) if h.reason == "incident"]


def _pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def _html_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


GIVEN = NoticeInput(
    Phase.INITIAL,
    consequences="Khách hàng có thể bị lừa đảo qua điện thoại hoặc thư giả mạo.",
    measures="Đã khóa tài khoản nhân viên, thu hồi phiên đăng nhập và đổi mật khẩu quản trị.",
)
SUMMARY = {
    "vi": "Một tài khoản nhân viên đã xem dữ liệu của bạn ngoài nhiệm vụ được giao.",
    "en": "A staff account looked at your data outside its assigned work.",
}


def test_the_breach_drill_finds_the_500_read_tells_a05_and_emails_each_in_their_language(
    app: bootstrap.App, drill: Policy
) -> None:
    people = _people(545)
    ids = subjects.register(app.uow(), drill, "member", people, "test", REGISTERED)
    email = {sid: p["email"] for sid, p in zip(ids, people, strict=True)}
    read_names, read_places = ids[:400], ids[400:500]
    before, after, by_key, denied = ids[500:510], ids[510:520], ids[520:540], ids[540:545]
    english = set(read_names[:100]) | set(read_places[:50])
    for sid in read_names[:150]:
        _consent(app, drill, sid, "marketing_email", "en" if sid in english else "vi")
    for sid in read_places:
        _consent(app, drill, sid, "delivery_tracking", "en" if sid in english else "vi")

    # Mallory reads 500 subjects inside the window, both ends included ...
    for n, sid in enumerate(read_names):
        at = START if n == 0 else START + n * SECOND
        _read(app, drill, sid, ["full_name", "email"], "service", MALLORY, at)
    for n, sid in enumerate(read_places):
        at = END if n == 0 else START + (1000 + n) * SECOND
        _read(app, drill, sid, ["last_location"], "delivery_tracking", MALLORY, at)
    # ... and others just outside it; another key reads in it; a refused read obtains nothing.
    for sid in before:
        _read(app, drill, sid, ["full_name", "email"], "service", MALLORY, START - SECOND)
    for sid in after:
        _read(app, drill, sid, ["full_name", "email"], "service", MALLORY, END + SECOND)
    for sid in by_key:
        _read(app, drill, sid, ["full_name", "email"], "service", "apikey:k1", START + SECOND)
    for sid in denied:
        with pytest.raises(Denied, match="consent"):
            _read(app, drill, sid, ["email"], "marketing_email", MALLORY, START + SECOND)

    incident = incidents.open_incident(
        app.uow(), drill, detected_at=FOUND_AT, systems=["Hệ thống CRM"],
        description="Tài khoản nhân viên mallory đã xem hồ sơ khách hàng ngoài nhiệm vụ.",
        window_start=START, window_end=END, actors=[MALLORY], actor=DPO, at=NOW,
    )  # fmt: skip

    # Exactly those 500, with their categories; the clock is 72 hours, Friday to Monday.
    assert incident.affected == 500
    assert incident.authority_due == dt.datetime(2026, 2, 16, 16, 30, tzinfo=TZ)
    assert incident.subjects_due == dt.datetime(2026, 2, 16, 16, 30, tzinfo=TZ)  # location data
    found = incidents.affected(app.uow(), "drill", incident.id, after=None, limit=1000)
    assert {a.subject for a in found} == set(read_names) | set(read_places)
    categories = {a.subject: a.categories for a in found}
    assert all(categories[s] == ("contact", "name") for s in read_names)
    assert all(categories[s] == ("location",) for s in read_places)
    view = incidents.get(app.uow(), "drill", incident.id)
    assert view.found.categories == [
        ("contact", 400, False),
        ("name", 400, False),
        ("location", 100, True),
    ]
    assert (view.found.subjects, view.found.records) == (500, 900)
    assert _holds(app, "drill", read_names[7]) == [incident.id]
    assert _holds(app, "drill", before[0]) == _holds(app, "drill", by_key[0]) == []

    # The notice to A05 holds every item, in HTML and PDF alike.
    notice = incidents.notify_authority(app.uow(), drill, incident.id, GIVEN, DPO, NOW)
    sent = incidents.notice(app.uow(), "drill", incident.id, notice.number)
    assert hashlib.sha256(sent.html.encode()).hexdigest() == notice.html_sha256
    assert hashlib.sha256(sent.pdf).hexdigest() == notice.pdf_sha256
    as_html, as_pdf = _html_text(sent.html), _pdf_text(sent.pdf)
    for said in (
        *(say(item, "vi") for item in REQUIRED),
        "500 chủ thể dữ liệu",
        "Họ và tên",
        "Dữ liệu vị trí",
        "Tài khoản nhân viên mallory",
        "Hệ thống CRM",
        "dpo@cuahangthu.vn",
        GIVEN.consequences,
        GIVEN.measures,
        "16/02/2026 16:30",
    ):
        assert said in as_html, said
        assert said in as_pdf, said

    # 500 emails, one per subject, each in the subject's language.
    incidents.notify_subjects(app.uow(), drill, incident.id, SUMMARY, None, DPO, NOW)
    with MailServer() as server:
        assert _deliver_all(app, server) == 500
    mails = {m["To"]: m for m in server.received}
    assert len(server.received) == 500
    assert set(mails) == {email[s] for s in [*read_names, *read_places]}
    for sid in [*read_names, *read_places]:
        mail = mails[email[sid]]
        lang = "en" if sid in english else "vi"
        body = mail.get_body().get_content()
        assert mail["Content-Language"] == lang
        assert SUMMARY[lang] in body
        expected = {"en": "Location data", "vi": "Dữ liệu vị trí"}[lang]
        assert (expected in body) == (sid in read_places)
    assert Counter(m["Content-Language"] for m in server.received) == {"en": 150, "vi": 350}

    closed = incidents.close(
        app.uow(), drill, incident.id, "breach", "Đã khóa tài khoản mallory.", DPO, NOW
    )
    assert closed.state is State.CLOSED
    report = _html_text(incidents.report(app.uow(), "drill", incident.id))
    assert "500 chủ thể dữ liệu" in report and "đã gửi 500" in report
    assert _holds(app, "drill", read_names[7]) == []
    with app.uow(read_only=True) as uow:
        checked, broken = uow.audit.verify("drill")
        entries = [e for e in uow.audit.entries("drill") if str(e["action"]).startswith("incident")]
    assert broken is None and checked > 0
    trail = " ".join(str(e["detail"]) for e in entries)
    assert people[0]["full_name"] not in trail and people[0]["email"] not in trail
    assert "mallory" not in trail and "CRM" not in trail  # staff's words stay out of the chain


def _open(app: bootstrap.App, policy: Policy, **changes: object) -> incidents.Incident:
    kwargs: dict[str, object] = {
        "detected_at": FOUND_AT, "description": "Máy chủ sao lưu bị truy cập trái phép.",
        "systems": ["Máy chủ sao lưu"], "window_start": START, "window_end": END,
        "actors": [MALLORY], "actor": DPO, "at": NOW,
    }  # fmt: skip
    return incidents.open_incident(app.uow(), policy, **(kwargs | changes))  # type: ignore[arg-type]


def test_an_incident_window_in_the_future_is_refused_and_nothing_is_stored(
    app: bootstrap.App, drill: Policy
) -> None:
    with pytest.raises(Invalid) as refused:
        _open(app, drill, window_end=NOW + dt.timedelta(minutes=5))
    assert (refused.value.field, refused.value.rule) == (
        "window_end",
        "must not be in the future: the window is what happened",
    )
    with pytest.raises(Invalid) as later:
        _open(app, drill, detected_at=NOW + SECOND)
    assert later.value.field == "detected_at"
    assert incidents.listed(app.uow(), "drill") == []


def test_notices_go_in_phases_each_kept_as_sent_with_its_hash(
    app: bootstrap.App, drill: Policy
) -> None:
    incident = _open(app, drill)
    with pytest.raises(Conflict, match="initial notice first"):
        incidents.notify_authority(
            app.uow(), drill, incident.id, NoticeInput(Phase.FOLLOW_UP, "c", "m"), DPO, NOW
        )
    phases = [Phase.INITIAL, Phase.FOLLOW_UP, Phase.FOLLOW_UP, Phase.FINAL]
    sent = []
    for n, phase in enumerate(phases):
        given = NoticeInput(phase, f"Hậu quả, lần {n + 1}", f"Biện pháp, lần {n + 1}")
        at = NOW + n * dt.timedelta(hours=6)
        sent.append(incidents.notify_authority(app.uow(), drill, incident.id, given, DPO, at))
    assert [(s.number, s.phase) for s in sent] == list(enumerate(phases, 1))
    with pytest.raises(Conflict, match="final notice"):
        incidents.notify_authority(
            app.uow(), drill, incident.id, NoticeInput(Phase.FOLLOW_UP, "c", "m"), DPO, NOW
        )
    third = incidents.notice(app.uow(), "drill", incident.id, 3)
    assert "Thông báo bổ sung, số 3" in third.html and "Biện pháp, lần 3" in third.html
    assert hashlib.sha256(third.pdf).hexdigest() == sent[2].pdf_sha256
    view = incidents.get(app.uow(), "drill", incident.id)
    assert [n.html_sha256 for n in view.incident.notices] == [s.html_sha256 for s in sent]
    assert view.incident.state is State.AUTHORITY_NOTIFIED
    with app.uow(read_only=True) as uow:
        audited = [e for e in uow.audit.entries("drill") if e["action"] == "incident.notice"]
    assert [e["outcome"] for e in audited] == ["denied", "ok", "ok", "ok", "ok", "denied"]
    audited = audited[1:-1]
    assert [str(sent[i].html_sha256) in str(e["detail"]) for i, e in enumerate(audited)] == [
        True
    ] * 4


def test_a_first_notice_past_the_72_hours_must_say_why_it_is_late(
    app: bootstrap.App, drill: Policy
) -> None:
    incident = _open(app, drill)
    monday = dt.datetime(2026, 2, 16, 16, 30, tzinfo=TZ)
    with pytest.raises(Invalid) as refused:
        incidents.notify_authority(app.uow(), drill, incident.id, GIVEN, DPO, monday)
    assert refused.value.field == "delay_reason"
    late = NoticeInput(Phase.INITIAL, "c", "m", delay_reason="Chờ kết quả điều tra nội bộ.")
    notice = incidents.notify_authority(app.uow(), drill, incident.id, late, DPO, monday)
    assert notice.late
    assert "Quá thời hạn" in incidents.notice(app.uow(), "drill", incident.id, 1).html


def test_an_open_incident_holds_its_subjects_data_until_it_closes(
    app: bootstrap.App, drill: Policy
) -> None:
    [held, free] = subjects.register(app.uow(), drill, "member", _people(2), "test", REGISTERED)
    _read(app, drill, held, ["full_name"], "service", MALLORY, START + SECOND)
    incident = _open(app, drill)
    with pytest.raises(Conflict, match="legal hold"):
        subjects.erase(app.uow(), "drill", held, "subject_request", "test", NOW)
    subjects.erase(app.uow(), "drill", free, "subject_request", "test", NOW)

    with pytest.raises(Conflict, match="notify the authority"):
        incidents.close(app.uow(), drill, incident.id, "breach", "Đã xử lý.", DPO, NOW)
    with pytest.raises(Conflict, match="report is written when the incident closes"):
        incidents.report(app.uow(), "drill", incident.id)
    incidents.close(app.uow(), drill, incident.id, "no_breach", "Nhân viên có nhiệm vụ.", DPO, NOW)

    subjects.erase(app.uow(), "drill", held, "subject_request", "test", NOW)
    with pytest.raises(Conflict, match="closed"):
        incidents.notify_authority(app.uow(), drill, incident.id, GIVEN, DPO, NOW)


def test_a_subject_erased_since_counts_but_gets_no_hold_and_no_email(
    app: bootstrap.App, drill: Policy
) -> None:
    [kept, gone] = subjects.register(app.uow(), drill, "member", _people(2), "test", REGISTERED)
    for sid in (kept, gone):
        _read(app, drill, sid, ["email"], "service", MALLORY, START + SECOND)
    subjects.erase(app.uow(), "drill", gone, "subject_request", "test", START + 2 * SECOND)
    incident = _open(app, drill)
    assert incident.affected == 2
    assert _holds(app, "drill", gone) == []
    incidents.notify_authority(app.uow(), drill, incident.id, GIVEN, DPO, NOW)
    incidents.notify_subjects(app.uow(), drill, incident.id, SUMMARY, None, DPO, NOW)
    told = {a.subject: a.message_id for a in incidents.affected(
        app.uow(), "drill", incident.id, after=None, limit=10)}  # fmt: skip
    assert told[kept] is not None and told[gone] is None
    incidents.close(app.uow(), drill, incident.id, "breach", "Đã xử lý.", DPO, NOW)
    report = _html_text(incidents.report(app.uow(), "drill", incident.id))
    assert "1 thư được xếp gửi" in report and "1 chủ thể không thể nhận thư" in report


def test_a_copied_store_touches_every_subject_of_the_type_held_during_the_window(
    app: bootstrap.App, drill: Policy
) -> None:
    [early, during, late] = subjects.register(
        app.uow(), drill, "member", _people(3), "test", REGISTERED
    )
    subjects.erase(app.uow(), "drill", early, "subject_request", "test", START - SECOND)
    subjects.erase(app.uow(), "drill", during, "subject_request", "test", START + SECOND)
    [newcomer] = subjects.register(app.uow(), drill, "member", _people(1, 5), "test", END + SECOND)
    incident = _open(app, drill, actors=[], subject_types=["member"])
    found = incidents.affected(app.uow(), "drill", incident.id, after=None, limit=10)
    assert {a.subject for a in found} == {during, late}
    assert {a.subject for a in found}.isdisjoint({early, newcomer})
    [one] = [a for a in found if a.subject == late]
    assert one.categories == ("contact", "location", "name") and one.reads == 0


def test_the_same_actor_name_in_another_tenant_finds_nothing_here(
    app: bootstrap.App, drill: Policy
) -> None:
    elsewhere = _publish(app, {**DRILL, "tenant": "elsewhere"})
    [theirs] = subjects.register(app.uow(), elsewhere, "member", _people(1), "test", REGISTERED)
    _read(app, elsewhere, theirs, ["email"], "service", MALLORY, START + SECOND)
    incident = _open(app, drill)
    assert incident.affected == 0
    with pytest.raises(Conflict, match="no subject is affected"):
        incidents.notify_subjects(app.uow(), drill, incident.id, SUMMARY, None, DPO, NOW)
    with pytest.raises(NotFound):
        incidents.get(app.uow(), "elsewhere", incident.id)


def test_subjects_are_told_in_every_language_the_policy_speaks(
    app: bootstrap.App, drill: Policy
) -> None:
    [sid] = subjects.register(app.uow(), drill, "member", _people(1), "test", REGISTERED)
    _read(app, drill, sid, ["email"], "service", MALLORY, START + SECOND)
    incident = _open(app, drill)
    with pytest.raises(Invalid) as refused:
        incidents.notify_subjects(app.uow(), drill, incident.id, {"vi": "x"}, None, DPO, NOW)
    assert refused.value.field == "summary.en"


def test_the_audit_log_is_asked_through_its_index_by_actor_and_time(
    app: bootstrap.App, drill: Policy
) -> None:
    """The audit log is the largest table: finding a breach's reads must not walk a chain."""
    engine = app.uow().engine
    if engine.dialect.name != "sqlite":
        pytest.skip("the plan is checked on SQLite; PostgreSQL's depends on its statistics")
    seen: list[tuple[str, object]] = []

    def keep(conn: object, cursor: object, statement: str, params: object, *_: object) -> None:
        if "FROM audit_entries" in statement and "actor" in statement:
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        _open(app, drill, actors=[MALLORY, "apikey:k1"])
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert len(seen) == 2
    with engine.connect() as conn:
        for statement, params in seen:
            plan = " ".join(
                str(row[-1])
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            )
            assert (
                "USING INDEX ix_audit_entries_actor_at (tenant_id=? AND actor=? AND at>? AND at<?)"
                in plan
            )
