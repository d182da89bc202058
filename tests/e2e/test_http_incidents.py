"""End to end over HTTP: the DPO opens a breach incident, notifies A05 (HTML and PDF downloads),
emails the subjects and closes it; the auditor reads; nobody else does."""

from __future__ import annotations

import datetime as dt
import hashlib

import httpx
import pytest

from baomat import bootstrap
from baomat.domain.roles import Role
from baomat.services import api_keys
from tests.integration.logins import staff_token
from tests.integration.shop import AT
from tests.integration.tenancy import http

pytestmark = pytest.mark.usefixtures("fast_passwords")

HOUR = dt.timedelta(hours=1)
INCIDENT = {
    "detected_at": AT.isoformat(),
    "description": "Khóa API của đối tác bị lộ và được dùng để đọc dữ liệu khách hàng.",
    "systems": ["API", "CRM"],
    "window_start": (AT - HOUR).isoformat(),
    "window_end": AT.isoformat(),
}
NOTICE = {
    "phase": "initial",
    "consequences": "Khách hàng có thể nhận thư lừa đảo.",
    "measures": "Đã thu hồi khóa API.",
    "contact_name": "Chị Lan, phụ trách bảo vệ dữ liệu",
    "contact_email": "dpo@cuahangthu.vn",
}
PEOPLE = [
    {"full_name": "Lê Thị Hồng", "email": "hong.le@example.vn"},
    {"full_name": "Trần Văn Nam", "email": "nam.tran@example.vn"},
    {"full_name": "Phạm Minh Châu", "email": "chau.pham@example.vn"},
]


def _leaked_through(app: bootstrap.App, key: str) -> list[str]:
    """Registers PEOPLE and reads the first two with `key` → their ids."""
    with http(app, key) as website:
        ids = [website.post("/v1/subjects", json={"subject_type": "member", "values": p})
               .json()["id"] for p in PEOPLE]  # fmt: skip
        for sid in ids[:2]:
            read = website.get(
                f"/v1/subjects/{sid}", params={"purpose": "service", "fields": "full_name,email"}
            )
            assert read.status_code == 200
    return ids


def test_the_dpo_opens_notifies_and_closes_an_incident_and_the_auditor_reads_it(
    app: bootstrap.App, key: str
) -> None:
    ids = _leaked_through(app, key)
    dpo = staff_token(app, "shop", "an.dpo", Role.DPO)
    auditor = staff_token(app, "shop", "binh.audit", Role.AUDITOR)
    support = staff_token(app, "shop", "chi.support", Role.SUPPORT)
    scope = {"actors": [api_keys.actor_of(key)]}

    with http(app, dpo) as staff, http(app, auditor) as audit, http(app, support) as help_desk:
        opened = staff.post("/v1/incidents", json=INCIDENT | scope)
        assert opened.status_code == 201, opened.text
        incident = opened.json()
        path = f"/v1/incidents/{incident['id']}"
        assert incident["affected"] == 2 and incident["state"] == "open"
        assert dt.datetime.fromisoformat(incident["authority_due"]) == AT + 72 * HOUR
        assert incident["authority_time_left_seconds"] == 72 * 3600
        assert incident["categories"] == [
            {"category": "contact", "subjects": 2, "sensitive": False},
            {"category": "name", "subjects": 2, "sensitive": False},
        ]
        page = staff.get(f"{path}/subjects", params={"limit": 1}).json()
        rest = staff.get(f"{path}/subjects", params={"after": page["next_after"]}).json()
        assert {s["subject"] for s in page["subjects"] + rest["subjects"]} == set(ids[:2])

        assert help_desk.get(path).status_code == 403
        assert audit.post(f"{path}/notices", json=NOTICE).status_code == 403
        assert audit.get(path).json()["id"] == incident["id"]

        assert staff.get(f"{path}/report.html").status_code == 409
        sent = staff.post(f"{path}/notices", json=NOTICE)
        assert sent.status_code == 201, sent.text
        notice = sent.json()
        as_html = audit.get(f"{path}/notices/1.html")
        as_pdf = audit.get(f"{path}/notices/1.pdf")
        assert as_html.headers["content-type"].startswith("text/html")
        assert as_pdf.headers["content-type"] == "application/pdf"
        assert "attachment" in as_pdf.headers["content-disposition"]
        assert hashlib.sha256(as_html.content).hexdigest() == notice["html_sha256"]
        assert hashlib.sha256(as_pdf.content).hexdigest() == notice["pdf_sha256"]
        assert "Chị Lan, phụ trách bảo vệ dữ liệu" in as_html.text
        assert as_pdf.content.startswith(b"%PDF-")
        assert staff.get(f"{path}/notices/2.pdf").status_code == 404

        message = {"summary": {"vi": "Dữ liệu của bạn đã bị đọc trái phép.",
                               "en": "Your data was read without authority."}}  # fmt: skip
        told = staff.post(f"{path}/subject-notices", json=message)
        assert told.status_code == 200, told.text
        assert told.json()["emails"] == {"pending": 2}
        again = staff.post(f"{path}/subject-notices", json=message)
        assert again.status_code == 409

        closed = staff.post(f"{path}/close", json={"measures": "Đã đổi toàn bộ khóa API."})
        assert closed.status_code == 200, closed.text
        assert closed.json()["state"] == "closed"
        report = audit.get(f"{path}/report.html")
        assert report.status_code == 200 and "Đã đổi toàn bộ khóa API." in report.text
        listed = audit.get("/v1/incidents", params={"state": "closed"}).json()["incidents"]
        assert [i["id"] for i in listed] == [incident["id"]]
        for person in PEOPLE:  # no value of a subject in anything the incident shows
            for answer in (as_html.text, report.text, closed.text, str(rest)):
                assert person["full_name"] not in answer and person["email"] not in answer


def test_an_incident_window_in_the_future_is_refused_naming_the_field(
    app: bootstrap.App,
) -> None:
    dpo = staff_token(app, "shop", "an.dpo", Role.DPO)
    later = INCIDENT | {"window_end": (AT + HOUR).isoformat()}
    with http(app, dpo) as staff:
        refused = staff.post("/v1/incidents", json=later)
        unknown = staff.post("/v1/incidents", json=INCIDENT | {"subject_types": ["seller"]})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "window_end"
    assert unknown.json()["error"]["field"] == "subject_types"


def test_an_api_key_or_a_subject_cannot_reach_incidents(app: bootstrap.App, key: str) -> None:
    with http(app, key) as website:
        answer: httpx.Response = website.get("/v1/incidents")
    assert answer.status_code == 401
