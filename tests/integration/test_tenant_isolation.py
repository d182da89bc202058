"""Every route, called with one tenant's credentials on another tenant's data, shows nothing of it.

The routes are read from the app, so a route added later is called too: its
path, query and body are filled by parameter name from `examples`, where the
other tenant's ids stand in for every id. A route that takes a parameter not
found there fails the test until an example is added, and a route that names
none of the other tenant's ids must be listed as `PUBLIC` or `OWN_DATA_ONLY`.

Each route is called with every credential its OpenAPI security accepts: the
shop's API key, a session of each of the shop's staff roles, a session of
one of the shop's subjects. Login routes are public; they are called with the
other tenant's accounts and their real password and code, naming the shop as
tenant, and must refuse.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.domain.alerts import Alert
from baomat.domain.consent import ConsentRequest, shown_text_sha256
from baomat.domain.incidents import Phase
from baomat.domain.roles import Role
from baomat.policy.loader import parse_policy
from baomat.policy.model import Policy
from baomat.services import (
    alerts,
    api_keys,
    attachments,
    complaints,
    consents,
    disclosures,
    incidents,
    rights,
    staff,
    subject_login,
    subjects,
    tenants,
)
from baomat.services._breach_notice import NoticeInput
from baomat.services.tenants import PolicyCache
from tests.asgi import SyncASGITransport
from tests.files import pdf
from tests.integration.logins import PASSWORD, CapturingNotifier, staff_token, subject_token
from tests.integration.shop import AT, SHOP
from tests.integration.tenancy import http, new_key

pytestmark = pytest.mark.usefixtures("fast_passwords")

PUBLIC = {
    ("GET", "/v1/health"),
    ("POST", "/v1/staff/login"),
    ("POST", "/v1/subjects/login"),
    ("POST", "/v1/subjects/login/code"),
    ("POST", "/v1/subjects/login/code/verify"),
}
"""Routes that need no credential: they touch no tenant's data, or they take credentials."""

ANSWERS_ALIKE = {("POST", "/v1/subjects/login/code")}
"""Public routes that answer the same whether or not the account exists (202 here), so
that they tell nobody who holds one; what they must not do is act (checked below)."""

OWN_DATA_ONLY = {
    ("POST", "/v1/subjects"),
    ("GET", "/v1/me"),
    ("POST", "/v1/logout"),
    ("GET", "/v1/authority-requests"),
    ("GET", "/v1/me/disclosures"),
    ("POST", "/v1/me/requests"),
    ("GET", "/v1/me/requests"),
    ("GET", "/v1/requests"),
    ("POST", "/v1/me/complaints"),
    ("GET", "/v1/me/complaints"),
    ("GET", "/v1/complaints"),
    ("GET", "/v1/alerts"),
    ("GET", "/v1/policy/versions"),
    ("GET", "/v1/policy/versions/1/changes"),
    ("GET", "/v1/me/policy-notices"),
    ("POST", "/v1/me/policy-notices/1/acknowledge"),
    ("POST", "/v1/incidents"),
    ("GET", "/v1/incidents"),
    ("GET", "/v1/me/locks"),
    ("GET", "/v1/documents/ropa"),
    ("GET", "/v1/documents/dpia"),
    ("GET", "/v1/documents/fides"),
}
"""Routes that name no existing resource: they act on the caller's own tenant only."""

ENDS_SESSION = {("POST", "/v1/logout")}
"""Routes that revoke the session calling them: called after every other route."""

OTHER_TENANTS_IDS = {
    "subject_id",
    "subject",
    "staff_id",
    "disclosure_id",
    "request_id",
    "attachment_id",
    "complaint_id",
    "alert_id",
    "incident_id",
    "lock_id",
}
"""Parameter names that carry an id of the other tenant's data."""

OTHER_STAFF = "lan.other"
"""The other tenant's staff account, whose password is PASSWORD: no account of the shop."""

VALUES = {
    "full_name": "Phạm Thị Riêng Tư",
    "email": "rieng.tu@example.vn",
    "phone": "0912345678",
}
"""The other tenant's subject: none of these may appear in any answer to the shop's key."""

MARKETING_TEXT_SHA256 = shown_text_sha256(SHOP["purposes"][1]["text"]["vi"])

DOCUMENT_TEXT = "Hop dong mua ban - Pham Thi Rieng Tu"
DOCUMENT = pdf(DOCUMENT_TEXT)
"""The other tenant's subject's attached file: its text may appear in no answer either."""

SHARING = {
    **SHOP,
    "subject_types": [
        {**SHOP["subject_types"][0],
         "fields": [*SHOP["subject_types"][0]["fields"],
                    {"id": "documents", "label": {"vi": "Giấy tờ", "en": "Documents"},
                     "type": "file", "category": "document", "sensitivity": "basic"}]},
    ],
    "purposes": [
        *SHOP["purposes"],
        {"id": "authority", "text": {"vi": "Theo yêu cầu cơ quan nhà nước",
                                      "en": "On a state agency's request"},
         "legal_basis": "legal_obligation", "consent": "not_needed",
         "fields": ["full_name", "email", "phone"]},
    ],
    "recipients": [
        {"id": "courier", "name": {"vi": "Đơn vị giao hàng", "en": "Courier"}, "kind": "partner",
         "contract": {"reference": "HD-01", "valid_from": "2025-01-01"},
         "fields": ["full_name", "phone"], "purposes": ["service"]},
        {"id": "police", "name": {"vi": "Công an", "en": "Police"}, "kind": "state_agency",
         "fields": "all", "purposes": ["authority"], "on_request_only": True},
    ],
}  # fmt: skip
"""The shop's policy with a partner and a state agency, so the sharing routes reach the subject."""

OVERRIDES = {
    ("POST", "/v1/subjects/{subject_id}/disclosures"): {"recipient": "courier"},
    ("POST", "/v1/authority-requests"): {"recipient": "police"},
    ("POST", "/v1/complaints"): {"channel": "hotline"},
    ("POST", "/v1/incidents/{incident_id}/close"): {"outcome": "breach"},
    # Carried out as filed on the shop (self-service): a deletion would end the shop's own
    # subject's session before the routes after it are called with it.
    ("POST", "/v1/me/requests"): {"kind": "access", "values": None},
}
"""Examples for one route where a name means something else than in `examples`."""


def publish_sharing(app: bootstrap.App, tenant: str, version: int = 1) -> Policy:
    """Publishes SHARING as `tenant`'s policy `version`, stored as its YAML text."""
    document = yaml.safe_dump(
        {**SHARING, "tenant": tenant, "version": version}, allow_unicode=True, sort_keys=False
    )
    policy = parse_policy(document, f"{tenant}.yaml")
    tenants.publish_policy(app.uow(), policy, document, "test", AT)
    return policy


def examples(
    victim: str, code: str = "000000", ids: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A value for every parameter name a route may take, by name; lists may be given as one.

    `code` is the login code last sent to the victim; `tenant` is the caller's own; `ids`
    the victim's disclosure and rights request.
    """
    ids = ids or {}
    return {
        "disclosure_id": ids.get("disclosure_id", "0" * 32),
        "request_id": ids.get("request_id", "0" * 32),
        "attachment_id": ids.get("attachment_id", "0" * 32),
        "complaint_id": ids.get("complaint_id", "0" * 32),
        "alert_id": ids.get("alert_id", "0" * 32),
        "category": "leak",
        "description": "Thư của tôi bị gửi cho người lạ",
        "contact_email": "khieu.nai@example.vn",
        "received_at": "2026-02-13T09:00:00+07:00",
        "action": "acknowledge",
        "note": "Đã nhận khiếu nại",
        "include_acknowledged": True,
        "field": "documents",
        "file": DOCUMENT,
        "subject_id": victim,
        "subject": victim,
        "staff_id": OTHER_STAFF,
        "tenant": "shop",
        "password": PASSWORD,
        "code": code,
        "purpose": "marketing_email",
        "fields": "email",
        "recipient": None,
        "subject_type": "member",
        "values": {"full_name": "Khách Mới", "email": "moi@example.vn"},
        "policy_version": 1,
        "text_sha256": MARKETING_TEXT_SHA256,
        "language": "vi",
        "channel": "web",
        "given": True,
        "preticked": False,
        "ip": "203.0.113.9",
        "user_agent": "Mozilla/5.0",
        "body": "police",
        "document_number": "128/CSĐT-PC02",
        "document_date": "2026-02-10",
        "legal_basis": "legal_obligation",
        "confidential": False,
        "reason": "entered_by_mistake",
        "kind": "delete",
        "detail": None,
        "identity_method": "document_checked",
        "state": "received",
        "overdue": False,
        "version": 1,
        "incident_id": ids.get("incident_id", "0" * 32),
        "number": 1,
        "detected_at": "2026-02-13T09:00:00+07:00",
        "window_start": "2026-02-13T08:00:00+07:00",
        "window_end": "2026-02-13T09:00:00+07:00",
        "systems": "CRM",
        "phase": "initial",
        "consequences": "Khách hàng có thể nhận thư lừa đảo",
        "measures": "Đã khóa tài khoản",
        "summary": {"vi": "Dữ liệu của bạn đã bị đọc", "en": "Your data was read"},
        "after": "",
        "limit": 10,
        "outcome": "keep",
        "lock_id": ids.get("lock_id", "0" * 32),
        "violation": "illegal_acts",
        "evidence": "Báo cáo lạm dụng số 88",
        "lang": "vi",
        "format": "html",
    }


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict[str, Any]
    body: dict[str, Any] | None
    names_other_tenant: bool
    schemes: frozenset[str]
    """The security schemes the route accepts (any one of them); none for a public route."""
    multipart: bool = False
    """The body goes as multipart/form-data, its `file` as a PDF part (an upload)."""

    def send(self, client: httpx.Client, token: str | None = None) -> httpx.Response:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return client.request(self.method, self.path, headers=headers, **self.content())

    def content(self) -> dict[str, Any]:
        """The request's query and body, as httpx takes them."""
        if not self.multipart or self.body is None:
            return {"params": self.query, "json": self.body}
        data = {k: v for k, v in self.body.items() if k != "file"}
        files = {"file": ("document.pdf", self.body["file"], "application/pdf")}
        return {"params": self.query, "data": data, "files": files}


def routes(api: FastAPI) -> Iterator[tuple[BaseRoute, str]]:
    """Every route of the app with its path, those of included routers too."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included routers were kept whole: routes are flat
        for route in api.routes:
            yield route, getattr(route, "path_format", "")
        return
    for context in iter_route_contexts(api.routes):
        yield context.original_route, context.path_format or ""


def calls(
    api: FastAPI, victim: str, code: str = "000000", ids: Mapping[str, str] | None = None
) -> list[Call]:
    """One call per method of every API route, filled from `examples`; ENDS_SESSION last."""
    return sorted(_calls(api, victim, code, ids), key=lambda c: (c.method, c.path) in ENDS_SESSION)


def _calls(api: FastAPI, victim: str, code: str, ids: Mapping[str, str] | None) -> Iterator[Call]:
    spec = api.openapi()
    for route, path_format in routes(api):
        if not isinstance(route, APIRoute):
            continue
        for method in sorted(route.methods):
            values = examples(victim, code, ids) | OVERRIDES.get((method, path_format), {})
            operation = spec["paths"][path_format][method.lower()]
            params = operation.get("parameters", [])
            names = [p["name"] for p in params] + list(_body_fields(spec, operation))
            missing = [n for n in names if n not in values and _required(spec, operation, n)]
            if missing:
                pytest.fail(f"{method} {path_format}: add an example for {missing} to examples()")
            path = path_format
            for p in params:
                if p["in"] == "path":
                    path = path.replace("{" + p["name"] + "}", str(values[p["name"]]))
            query = {p["name"]: values[p["name"]] for p in params if p["in"] == "query"}
            fields = _body_fields(spec, operation)
            body = {n: _as(values[n], fields[n]) for n in fields if n in values} if fields else None
            schemes = frozenset(name for s in operation.get("security", []) for name in s)
            multipart = "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
            named = bool(OTHER_TENANTS_IDS & set(names))
            yield Call(method, path, query, body, named, schemes, multipart)


def _body_schema(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {})
    media = content.get("application/json") or content.get("multipart/form-data") or {}
    schema: dict[str, Any] = media.get("schema", {})
    ref = schema.get("$ref")
    if ref is not None:
        schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def _body_fields(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = _body_schema(spec, operation).get("properties", {})
    return properties


def _as(value: Any, schema: dict[str, Any]) -> Any:
    """An example for a list-typed body field is sent as a list of itself."""
    return [value] if schema.get("type") == "array" and not isinstance(value, list) else value


def _required(spec: dict[str, Any], operation: dict[str, Any], name: str) -> bool:
    for p in operation.get("parameters", []):
        if p["name"] == name:
            return bool(p.get("required"))
    return name in _body_schema(spec, operation).get("required", [])


def leaked(text: str) -> list[str]:
    """The other tenant's values found in an answer, as sent or JSON-escaped."""
    forms = {v for value in VALUES.values() for v in (value, json.dumps(value)[1:-1])}
    forms.add(DOCUMENT_TEXT)
    return sorted(form for form in forms if form in text)


@pytest.fixture
def victim(app: bootstrap.App) -> str:
    """The shop gets a YAML policy; `other`, a copy of it, holds one subject with VALUES.

    The subject consented to marketing email, so a route that withdrew consent
    across tenants would find something to withdraw; it has the password
    PASSWORD, and so has the other tenant's staff account OTHER_STAFF.
    """
    publish_sharing(app, "shop", version=2)
    policy = publish_sharing(app, "other")
    [subject_id] = subjects.register(app.uow(), policy, "member", [VALUES], "test", AT)
    consents.give(
        app.uow(),
        policy,
        ConsentRequest(subject_id, "marketing_email", 1, MARKETING_TEXT_SHA256, "vi", "web", True),
        "test",
        AT,
    )
    subject_login.set_password(app.uow(), "other", subject_id, PASSWORD, "test", AT)
    staff.create_staff(app.uow(), "other", OTHER_STAFF, Role.DPO, PASSWORD, "test", AT)
    return subject_id


@pytest.fixture
def victim_ids(app: bootstrap.App, victim: str) -> dict[str, str]:
    """The other tenant's pending police request, rights request and attached file about its
    subject."""
    policy = PolicyCache().current(app.uow(), "other")
    asked = disclosures.record_authority_request(
        app.uow(), policy, victim, "police", "police", "128/CSĐT-PC02", dt.date(2026, 2, 10),
        "legal_obligation", ["email"], False, "test", AT,
    )  # fmt: skip
    request = rights.submit(
        app.uow(), policy, victim, "access", "self_service", None, f"subject:{victim}", AT
    )
    attached = attachments.upload(
        app.uow(), policy, victim, "documents", DOCUMENT, "application/pdf", "test", AT
    )
    complaint = complaints.file(
        app.uow(), policy, victim, category="leak", description=VALUES["full_name"],
        contact_email=VALUES["email"], at=AT,
    )  # fmt: skip
    with app.uow() as uow:
        [alert] = alerts.raise_within(
            uow, "other", [Alert.once("k", "complaint.overdue", complaint.id, AT, {})], "test", AT
        )
        uow.commit()
    return {
        "disclosure_id": asked.id,
        "request_id": request.id,
        "attachment_id": attached.id,
        "complaint_id": complaint.id,
        "alert_id": alert.id,
        "incident_id": _incident(app, policy, victim),
    }


def _incident(app: bootstrap.App, policy: Policy, victim: str) -> str:
    """The other tenant's incident: its staff read the subject; one notice sent to A05."""
    subjects.read(app.uow(), policy, victim, ["email"], "service", f"staff:{OTHER_STAFF}", AT)
    incident = incidents.open_incident(
        app.uow(), policy, detected_at=AT, description="Rò rỉ dữ liệu khách hàng",
        systems=["CRM"], window_start=AT - dt.timedelta(hours=1), window_end=AT,
        actors=[f"staff:{OTHER_STAFF}"], actor="test", at=AT,
    )  # fmt: skip
    notice = NoticeInput(Phase.INITIAL, "Lừa đảo", "Khóa tài khoản", contact_email="dpo@other.vn")
    incidents.notify_authority(app.uow(), policy, incident.id, notice, "test", AT)
    return incident.id


@pytest.fixture
def victim_code(app: bootstrap.App, victim: str) -> str:
    """A login code sent to the other tenant's subject, still good."""
    notifier = CapturingNotifier()
    subject_login.request_code(app.uow(), "other", victim, notifier, AT)
    [code] = notifier.codes
    return code


def credentials(app: bootstrap.App) -> dict[str, list[str]]:
    """Security scheme → the shop's credentials for it: its key, a session per staff role,
    a session of one of its subjects."""
    policy = PolicyCache().current(app.uow(), "shop")
    member = {"full_name": "Khách Của Shop", "email": "khach@example.vn"}
    [own] = subjects.register(app.uow(), policy, "member", [member], "test", AT)
    return {
        "HTTPBearer": [new_key(app, "shop")],
        "StaffSession": [staff_token(app, "shop", f"{role.value}.shop", role) for role in Role],
        "SubjectSession": [subject_token(app, "shop", own)],
    }


def test_every_route_hides_another_tenants_data_from_a_tenants_credentials(
    app: bootstrap.App, victim: str, victim_code: str, victim_ids: dict[str, str]
) -> None:
    api = create_app(app)
    own = credentials(app)
    app.notifier = notifier = CapturingNotifier()
    answered = []
    with _client(api, None) as shop:
        for call in calls(api, victim, victim_code, victim_ids):
            where = f"{call.method} {call.path}"
            public = (call.method, call.path) in PUBLIC
            tokens = [None] if public else [t for s in sorted(call.schemes) for t in own[s]]
            assert tokens, f"{where}: not public, yet it accepts none of {sorted(own)}"
            for token in tokens:
                response = call.send(shop, token)
                assert leaked(response.text) == [], where
                if call.names_other_tenant:
                    refusals = (401, 403, 404) if public else (403, 404)
                    if (call.method, call.path) in ANSWERS_ALIKE:
                        refusals = (202,)
                    assert response.status_code in refusals, f"{where}: {response.status_code}"
                else:
                    assert (call.method, call.path) in PUBLIC | OWN_DATA_ONLY, (
                        f"{where} names no resource of another tenant: list it in PUBLIC or "
                        "OWN_DATA_ONLY, or give its id parameter a name in OTHER_TENANTS_IDS"
                    )
                answered.append(where)
        for route, path in routes(api):
            if not isinstance(route, APIRoute) and "{" not in path:
                assert leaked(shop.get(path).text) == [], path
    assert len(answered) >= 4
    assert notifier.sent == []  # asked within a minute of its last code: answered alike, unsent

    # Nothing the shop's credentials did reached the other tenant's subject.
    with http(app, new_key(app, "other")) as other:
        read = other.get(
            f"/v1/subjects/{victim}",
            params={"purpose": "service", "fields": "full_name,email,phone"},
        )
    assert read.status_code == 200
    assert read.json()["values"]["full_name"] == VALUES["full_name"]
    with app.uow() as uow:
        [consent] = uow.consents.for_subject("other", victim)
        credential = uow.credentials.get("other", victim)
        attempts = uow.staff.attempts("other", OTHER_STAFF)
    assert consent.withdrawn_at is None
    assert [a.id for a in attachments.list_for_subject(app.uow(), "other", victim)] == [
        victim_ids["attachment_id"]
    ]
    [complaint] = complaints.list_own(app.uow(), "other", victim)
    assert (complaint.state.value, len(complaint.history)) == ("received", 1)
    [alert] = alerts.list_alerts(app.uow(), "other")
    assert (alert.acknowledged_at, alert.incident_id) == (None, None)
    assert credential is not None
    assert (credential.attempts.failed, credential.code_hash is not None) == (0, True)
    assert attempts.failed == 0
    with app.uow() as uow:
        actors = {e["actor"] for e in uow.audit.entries("other")}
    assert api_keys.actor_of(own["HTTPBearer"][0]) not in actors
    assert not any(actor.endswith(".shop") for actor in actors)


def test_every_route_but_the_public_ones_needs_a_valid_credential(
    app: bootstrap.App, victim: str, victim_ids: dict[str, str]
) -> None:
    api = create_app(app)
    for authorization in (None, "Bearer bm_nonsense", "Bearer bs_nonsense"):
        headers = {} if authorization is None else {"Authorization": authorization}
        with _client(api, None) as anonymous:
            for call in calls(api, victim, ids=victim_ids):
                if (call.method, call.path) in PUBLIC:
                    continue
                response = anonymous.request(
                    call.method, call.path, headers=headers, **call.content()
                )
                assert response.status_code == 401, f"{call.method} {call.path}"
                assert leaked(response.text) == []


def test_a_credential_opens_only_the_routes_that_ask_for_its_kind(
    app: bootstrap.App, victim: str, victim_ids: dict[str, str]
) -> None:
    """An API key is no session, a session is no API key, a subject's session is no staff's."""
    api = create_app(app)
    own = credentials(app)
    checked = 0
    with _client(api, None) as shop:
        for call in calls(api, victim, ids=victim_ids):
            if (call.method, call.path) in PUBLIC:
                continue
            for scheme in sorted(set(own) - call.schemes):
                for token in own[scheme]:
                    response = call.send(shop, token)
                    where = f"{call.method} {call.path} with a {scheme} credential"
                    assert response.status_code in (401, 403), where
                    assert leaked(response.text) == [], where
                    checked += 1
    assert checked >= 4


def _client(api: FastAPI, key: str | None) -> httpx.Client:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    return httpx.Client(
        transport=SyncASGITransport(api), base_url="http://testserver", headers=headers
    )
