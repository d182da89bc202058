"""End to end over HTTP, on Wesale's policy: sharing with a partner and a state agency, and
a subject's rights requests, filed by the subject and carried out at once, or entered and
worked by staff."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import httpx
import pytest

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.config import Settings
from baomat.domain.roles import Role
from baomat.policy.loader import load_policy
from baomat.services import subjects, tenants
from tests.asgi import SyncASGITransport
from tests.conftest import EXAMPLES
from tests.integration.logins import staff_token, subject_token
from tests.integration.shop import AT
from tests.integration.tenancy import new_key

pytestmark = pytest.mark.usefixtures("fast_passwords")

WESALE_FILE = EXAMPLES / "wesale.yaml"
SELLER = {
    "full_name": "Trần Văn Bảo",
    "address": "18 Kim Mã, Ba Đình, Hà Nội",
    "phone": "0912 345 678",
    "email": "bao.tran@example.vn",
    "tax_code": "0110375724",
    "id_issue_date": "2015-06-01",
    "id_issue_place": "Cục Cảnh sát QLHC về TTXH",
    "property_info": "Nhà 4 tầng, 60 m², sổ hồng chính chủ",
}


@pytest.fixture
def app(settings: Settings) -> Iterator[bootstrap.App]:
    """A fresh store with Wesale's published policy."""
    bootstrap.ensure_keys(settings, env={})
    built = bootstrap.build(settings, env={}, clock=lambda: AT)
    policy = load_policy(WESALE_FILE)
    tenants.publish_policy(built.uow(), policy, WESALE_FILE.read_text("utf-8"), "test", AT)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def client(app: bootstrap.App) -> Iterator[httpx.Client]:
    transport = SyncASGITransport(create_app(app))
    with httpx.Client(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def seller(app: bootstrap.App) -> str:
    policy = load_policy(WESALE_FILE)
    return subjects.register(app.uow(), policy, "seller", [SELLER], "test", AT)[0]


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_technical_partner_gets_only_its_contract_fields(
    app: bootstrap.App, client: httpx.Client, seller: str
) -> None:
    key = _as(new_key(app, "wesale"))
    answer = client.post(
        f"/v1/subjects/{seller}/disclosures",
        json={"recipient": "technical_partner", "purpose": "technical_support_and_disputes"},
        headers=key,
    )
    assert answer.status_code == 201, answer.text
    released = answer.json()
    assert released["fields"] == ["full_name", "phone", "email"]
    assert released["values"] == {
        "full_name": SELLER["full_name"],
        "phone": "+84912345678",
        "email": SELLER["email"],
    }
    assert SELLER["property_info"] not in answer.text
    # A state agency gets nothing this way.
    police = client.post(
        f"/v1/subjects/{seller}/disclosures",
        json={"recipient": "police_investigation", "purpose": "judicial_requests"},
        headers=key,
    )
    assert police.status_code == 422
    # The subject sees the disclosure.
    mine = client.get("/v1/me/disclosures", headers=_as(subject_token(app, "wesale", seller)))
    assert mine.status_code == 200
    assert [d["recipient"] for d in mine.json()["disclosures"]] == ["technical_partner"]


def test_a_police_request_entered_by_one_dpo_is_approved_by_another(
    app: bootstrap.App, client: httpx.Client, seller: str
) -> None:
    an = _as(staff_token(app, "wesale", "dpo.an", Role.DPO))
    binh = _as(staff_token(app, "wesale", "dpo.binh", Role.DPO))
    support = _as(staff_token(app, "wesale", "support.lan", Role.SUPPORT))
    entered = client.post(
        "/v1/authority-requests",
        json={
            "subject_id": seller,
            "recipient": "police_investigation",
            "body": "police",
            "document_number": "128/CSĐT-PC02",
            "document_date": "2026-02-10",
            "legal_basis": "legal_obligation",
            "fields": ["full_name", "phone", "tax_code"],
            "confidential": False,
        },
        headers=an,
    )
    assert entered.status_code == 201, entered.text
    pending = entered.json()
    assert (pending["status"], pending["released_at"]) == ("pending_approval", None)
    assert SELLER["full_name"] not in entered.text
    queue = client.get("/v1/authority-requests", headers=binh)
    assert [d["id"] for d in queue.json()["disclosures"]] == [pending["id"]]

    path = f"/v1/authority-requests/{pending['id']}/approve"
    assert client.post(path, headers=support).status_code == 403
    assert client.post(path, headers=an).status_code == 403  # who entered it may not approve
    approved = client.post(path, headers=binh)
    assert approved.status_code == 200, approved.text
    assert approved.json()["values"] == {
        "full_name": SELLER["full_name"],
        "phone": "+84912345678",
        "tax_code": SELLER["tax_code"],
    }
    assert client.post(path, headers=binh).status_code == 409
    assert client.get("/v1/authority-requests", headers=binh).json() == {"disclosures": []}


def test_a_subject_files_a_deletion_carried_out_at_once_and_staff_one_they_enter(
    app: bootstrap.App, client: httpx.Client, seller: str
) -> None:
    key = _as(new_key(app, "wesale"))
    subject = _as(subject_token(app, "wesale", seller))
    support = _as(staff_token(app, "wesale", "support.lan", Role.SUPPORT))
    access = client.post("/v1/me/requests", json={"kind": "access"}, headers=subject)
    assert access.status_code == 201, access.text
    assert access.json()["state"] == "done"
    assert {v["field"]: v["value"] for v in access.json()["report"]["data"]}["email"] == (
        SELLER["email"]
    )
    filed = client.post("/v1/me/requests", json={"kind": "delete"}, headers=subject)
    assert filed.status_code == 201, filed.text
    request = filed.json()
    assert (request["kind"], request["channel"], request["state"]) == (
        "delete", "self_service", "done",
    )  # fmt: skip
    assert request["report"] is None
    # Wesale offers self-service: nothing was left for staff to do, and the session ended.
    assert client.get("/v1/requests", headers=support).json() == {"requests": []}
    assert client.get("/v1/me/requests", headers=subject).status_code == 401

    other = subjects.register(
        app.uow(), load_policy(WESALE_FILE), "seller", [{**SELLER, "email": "khac@example.vn"}],
        "test", AT,
    )[0]  # fmt: skip
    entered = client.post(
        "/v1/requests",
        json={"subject_id": other, "kind": "delete", "identity_method": "document_checked"},
        headers=support,
    )
    assert entered.status_code == 201, entered.text
    assert entered.json()["state"] == "received"
    queue = client.get("/v1/requests", headers=support)
    assert [r["id"] for r in queue.json()["requests"]] == [entered.json()["id"]]
    done = client.post(f"/v1/requests/{entered.json()['id']}/fulfil", headers=support)
    assert done.status_code == 200, done.text
    assert done.json()["request"]["state"] == "done"
    for gone in (seller, other):
        read = client.get(
            f"/v1/subjects/{gone}",
            params={"purpose": "technical_support_and_disputes", "fields": "full_name"},
            headers=key,
        )
        assert read.status_code == 404
    assert client.get("/v1/requests", headers=support).json() == {"requests": []}


def test_a_subject_exports_their_data_as_a_zip(
    app: bootstrap.App, client: httpx.Client, seller: str
) -> None:
    subject = _as(subject_token(app, "wesale", seller))
    filed = client.post("/v1/me/requests", json={"kind": "export"}, headers=subject)
    assert filed.status_code == 201, filed.text
    request_id = filed.json()["id"]

    twin = {**SELLER, "email": "bao.tran.2@example.vn"}
    other = subjects.register(app.uow(), load_policy(WESALE_FILE), "seller", [twin], "test", AT)[0]
    stranger = _as(subject_token(app, "wesale", other))
    path = f"/v1/me/requests/{request_id}/export"
    assert client.get(path, headers=stranger).status_code == 404

    answer = client.get(path, headers=subject)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["subject"] == seller
    assert {v["field"]: v["value"] for v in data["data"]}["full_name"] == SELLER["full_name"]
    assert client.get(path, headers=subject).status_code == 409  # done: downloaded once
