"""End to end over HTTP: staff and subjects log in, call with their token, log out."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.api.deps import StaffDep, SubjectDep, require
from baomat.domain.login import Principal
from baomat.domain.roles import Permission, Role
from baomat.services import staff, subject_login, subjects
from baomat.services.tenants import PolicyCache
from tests.asgi import SyncASGITransport
from tests.integration.logins import PASSWORD, CapturingNotifier, staff_token
from tests.integration.shop import AT
from tests.integration.tenancy import new_key

pytestmark = pytest.mark.usefixtures("fast_passwords")


def _probe() -> APIRouter:
    """Routes that only tests serve, to call StaffDep, SubjectDep and `require` through HTTP."""
    probe = APIRouter(prefix="/v1/probe")

    @probe.get("/staff")
    def any_staff(staff: StaffDep) -> dict[str, str]:
        return {"id": staff.id}

    @probe.post("/approve")
    def approve(
        staff: Annotated[Principal, require(Permission.APPROVE_AUTHORITY_DISCLOSURE)],
    ) -> dict[str, str]:
        return {"approved_by": staff.actor}

    @probe.get("/subjects/{subject_id}")
    def own(subject_id: str, subject: SubjectDep) -> dict[str, str]:
        return {"id": subject.id}

    return probe


@pytest.fixture
def client(app: bootstrap.App) -> Iterator[httpx.Client]:
    api = create_app(app)
    api.include_router(_probe())
    with httpx.Client(transport=SyncASGITransport(api), base_url="http://testserver") as c:
        yield c


@pytest.fixture
def member(app: bootstrap.App) -> str:
    """A subject of the shop with the password PASSWORD."""
    policy = PolicyCache().current(app.uow(), "shop")
    values = {"full_name": "Lê Văn Khách", "email": "khach@example.vn"}
    [subject_id] = subjects.register(app.uow(), policy, "member", [values], "test", AT)
    subject_login.set_password(app.uow(), "shop", subject_id, PASSWORD, "test", AT)
    return subject_id


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _staff(app: bootstrap.App, client: httpx.Client, staff_id: str, role: Role) -> str:
    staff.create_staff(app.uow(), "shop", staff_id, role, PASSWORD, "test", AT)
    login = {"tenant": "shop", "staff_id": staff_id, "password": PASSWORD}
    response = client.post("/v1/staff/login", json=login)
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def test_staff_log_in_see_themselves_and_log_out(app: bootstrap.App, client: httpx.Client) -> None:
    staff.create_staff(app.uow(), "shop", "lan", Role.DPO, PASSWORD, "test", AT)

    login = client.post(
        "/v1/staff/login", json={"tenant": "shop", "staff_id": "lan", "password": PASSWORD}
    )
    assert login.status_code == 200
    token = login.json()["token"]
    assert dt.datetime.fromisoformat(login.json()["expires_at"]) == AT + dt.timedelta(hours=8)
    me = client.get("/v1/me", headers=_bearer(token))
    assert me.json() == {
        "tenant": "shop", "kind": "staff", "id": "lan", "role": "dpo", "policy_notices": [],
    }  # fmt: skip

    assert client.post("/v1/logout", headers=_bearer(token)).status_code == 204
    after = client.get("/v1/me", headers=_bearer(token))
    assert after.status_code == 401
    assert after.headers["WWW-Authenticate"] == "Bearer"


def test_every_refused_login_is_the_same_401_and_never_echoes_the_password(
    app: bootstrap.App, client: httpx.Client
) -> None:
    staff.create_staff(app.uow(), "shop", "lan", Role.DPO, PASSWORD, "test", AT)
    answers = []
    for body in (
        {"tenant": "shop", "staff_id": "lan", "password": "wrong password here"},
        {"tenant": "shop", "staff_id": "nobody", "password": PASSWORD},
        {"tenant": "nowhere", "staff_id": "lan", "password": PASSWORD},
    ):
        response = client.post("/v1/staff/login", json=body)
        answers.append((response.status_code, response.json()))
        assert body["password"] not in response.text

    assert answers == [answers[0]] * 3
    assert answers[0][0] == 401
    assert answers[0][1]["error"]["code"] == "unauthenticated"
    too_long = client.post(
        "/v1/staff/login", json={"tenant": "shop", "staff_id": "lan", "password": "x" * 5000}
    )
    assert too_long.status_code == 422
    assert "xxxx" not in too_long.text


def test_a_subject_logs_in_by_password_and_acts_only_on_itself(
    client: httpx.Client, member: str
) -> None:
    login = client.post(
        "/v1/subjects/login", json={"tenant": "shop", "subject_id": member, "password": PASSWORD}
    )
    assert login.status_code == 200
    token = login.json()["token"]
    assert dt.datetime.fromisoformat(login.json()["expires_at"]) == AT + dt.timedelta(hours=1)

    me = client.get("/v1/me", headers=_bearer(token))
    assert me.json() == {
        "tenant": "shop", "kind": "subject", "id": member, "role": None, "policy_notices": [],
    }  # fmt: skip
    assert client.get(f"/v1/probe/subjects/{member}", headers=_bearer(token)).status_code == 200
    other = client.get(f"/v1/probe/subjects/{'0' * 32}", headers=_bearer(token))
    assert other.status_code == 403
    assert client.get("/v1/probe/staff", headers=_bearer(token)).status_code == 403


def test_a_session_refused_at_a_routes_door_is_audited_without_what_was_sent(
    app: bootstrap.App, client: httpx.Client, member: str
) -> None:
    login = {"tenant": "shop", "subject_id": member, "password": PASSWORD}
    subject = client.post("/v1/subjects/login", json=login).json()["token"]
    dpo = staff_token(app, "shop", "an.dpo", Role.DPO)
    other = "7f3e" * 8

    assert client.get(f"/v1/probe/subjects/{other}", headers=_bearer(subject)).status_code == 403
    assert client.get("/v1/probe/staff", headers=_bearer(subject)).status_code == 403
    assert client.get(f"/v1/probe/subjects/{member}", headers=_bearer(dpo)).status_code == 403
    assert client.get(f"/v1/probe/subjects/{member}", headers=_bearer(subject)).status_code == 200

    with app.uow(read_only=True) as uow:
        entries = uow.audit.entries("shop")
    denied = [
        (e["actor"], e["outcome"], json.loads(str(e["detail"])))
        for e in entries
        if e["action"] == "access.denied"
    ]
    route = "GET /v1/probe/subjects/{subject_id}"
    assert denied == [
        (f"subject:{member}", "denied", {
            "permission": None, "operation": route, "role": None, "reason": "not_own_data",
        }),
        (f"subject:{member}", "denied", {
            "permission": None, "operation": "GET /v1/probe/staff", "role": None,
            "reason": "staff_only",
        }),
        ("staff:an.dpo", "denied", {
            "permission": None, "operation": route, "role": "dpo", "reason": "subject_only",
        }),
    ]  # fmt: skip
    assert other not in str(entries)  # the id asked for is what was sent: not recorded


def test_a_subject_logs_in_by_a_code_sent_by_email_once(
    app: bootstrap.App, client: httpx.Client, member: str
) -> None:
    app.notifier = notifier = CapturingNotifier()

    sent = client.post(
        "/v1/subjects/login/code", json={"tenant": "shop", "subject_id": member, "language": "en"}
    )
    assert sent.status_code == 202
    assert dt.datetime.fromisoformat(sent.json()["expires_at"]) == AT + dt.timedelta(minutes=10)
    [code] = notifier.codes
    assert code not in sent.text
    verify = {"tenant": "shop", "subject_id": member, "code": code}
    first = client.post("/v1/subjects/login/code/verify", json=verify)
    again = client.post("/v1/subjects/login/code/verify", json=verify)

    assert first.status_code == 200
    assert client.get("/v1/me", headers=_bearer(first.json()["token"])).json()["id"] == member
    assert again.status_code == 401
    malformed = client.post("/v1/subjects/login/code/verify", json={**verify, "code": "12ab56"})
    assert malformed.status_code == 422


def test_a_code_request_answers_alike_for_an_unknown_subject(
    app: bootstrap.App, client: httpx.Client, member: str
) -> None:
    app.notifier = notifier = CapturingNotifier()

    answers = [
        client.post("/v1/subjects/login/code", json={"tenant": tenant, "subject_id": subject})
        for tenant, subject in [("shop", member), ("shop", "0" * 32), ("nowhere", member)]
    ]
    again = client.post("/v1/subjects/login/code", json={"tenant": "shop", "subject_id": member})

    assert [a.status_code for a in [*answers, again]] == [202] * 4
    assert {a.text for a in [*answers, again]} == {answers[0].text}
    assert len(notifier.codes) == 1


def test_without_an_email_server_a_code_request_says_so(client: httpx.Client, member: str) -> None:
    response = client.post("/v1/subjects/login/code", json={"tenant": "shop", "subject_id": member})

    assert response.status_code == 503
    assert response.json()["error"] == {
        "code": "not_configured",
        "message": "login by email code needs an email server (not configured)",
    }
    declared = client.get("/openapi.json").json()["paths"]["/v1/subjects/login/code"]["post"]
    assert "503" in declared["responses"]


def test_a_session_ends_when_the_clock_passes_its_expiry(
    app: bootstrap.App, client: httpx.Client, member: str
) -> None:
    staff_token = _staff(app, client, "lan", Role.SUPPORT)
    body = {"tenant": "shop", "subject_id": member, "password": PASSWORD}
    subject_token = client.post("/v1/subjects/login", json=body).json()["token"]

    app.clock = lambda: AT + dt.timedelta(hours=1)
    assert client.get("/v1/me", headers=_bearer(staff_token)).status_code == 200
    assert client.get("/v1/me", headers=_bearer(subject_token)).status_code == 401
    app.clock = lambda: AT + dt.timedelta(hours=8)
    assert client.get("/v1/me", headers=_bearer(staff_token)).status_code == 401


def test_require_lets_only_a_role_with_the_permission_through(
    app: bootstrap.App, client: httpx.Client
) -> None:
    answers = {
        role: client.post("/v1/probe/approve", headers=_bearer(_staff(app, client, role, role)))
        for role in Role
    }

    assert {role: r.status_code for role, r in answers.items()} == {
        Role.ADMIN: 403, Role.DPO: 200, Role.SUPPORT: 403, Role.AUDITOR: 403,
    }  # fmt: skip
    assert answers[Role.DPO].json() == {"approved_by": "staff:dpo"}
    assert answers[Role.SUPPORT].json()["error"] == {
        "code": "forbidden",
        "message": "the support role may not approve authority disclosure",
    }


def test_an_api_key_is_no_session_and_a_session_is_no_api_key(
    app: bootstrap.App, client: httpx.Client
) -> None:
    key = new_key(app, "shop")
    token = _staff(app, client, "lan", Role.DPO)

    assert client.get("/v1/me", headers=_bearer(key)).status_code == 401
    assert client.get("/v1/probe/staff", headers=_bearer(key)).status_code == 401
    subject = client.post(
        "/v1/subjects", json={"subject_type": "member", "values": {}}, headers=_bearer(token)
    )
    assert subject.status_code == 401
