"""A website's backend stores, reads and erases a customer's data over HTTP with the client."""

from __future__ import annotations

import copy

import httpx
import pytest
import yaml
from faker import Faker

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.client import ApiError, Client, PiiInField
from baomat.policy.loader import parse_policy
from baomat.services import api_keys, tenants
from tests.asgi import SyncASGITransport
from tests.integration.shop import AT, SHOP

AN = {"full_name": "Lê Văn An", "email": "an.le@example.vn", "phone": "0974 063 482"}


def test_a_subject_is_created_read_for_a_purpose_and_erased(client: Client) -> None:
    subject_id = client.create_subject("member", AN)

    assert client.read_subject(subject_id, "service", ["full_name", "email"]) == {
        "full_name": "Lê Văn An",
        "email": "an.le@example.vn",
    }
    client.erase_subject(subject_id)
    with pytest.raises(ApiError) as gone:
        client.read_subject(subject_id, "service", ["email"])
    assert (gone.value.status, gone.value.code) == (404, "not_found")


def test_reading_a_field_the_purpose_does_not_use_is_422_naming_the_field(
    client: Client,
) -> None:
    subject_id = client.create_subject("member", AN)

    with pytest.raises(ApiError) as refused:
        client.read_subject(subject_id, "marketing_email", ["email", "phone"])

    assert refused.value.status == 422
    assert refused.value.field == "fields"
    assert refused.value.rule is not None and "phone" in refused.value.rule
    assert "an.le" not in str(refused.value)


def test_reads_are_audited_with_the_key_as_actor_refused_ones_too(
    client: Client, app: bootstrap.App, key: str
) -> None:
    subject_id = client.create_subject("member", AN)
    client.read_subject(subject_id, "service", ["email"])
    with pytest.raises(ApiError):
        client.read_subject(subject_id, "marketing_email", ["phone"])

    with app.uow() as uow:
        reads = [
            (e["actor"], e["purpose"], e["outcome"])
            for e in uow.audit.entries("shop", subject_id)
            if e["action"] == "subject.read"
        ]
    actor = api_keys.actor_of(key)
    assert reads == [(actor, "service", "ok"), (actor, "marketing_email", "denied")]


def test_a_bad_value_is_422_naming_the_field_and_not_the_value(client: Client) -> None:
    with pytest.raises(ApiError) as bad:
        client.create_subject("member", {"full_name": "An", "email": "an.le-at-example.vn"})

    assert (bad.value.status, bad.value.code, bad.value.field) == (422, "invalid", "email")
    assert "an.le-at-example.vn" not in str(bad.value)
    assert bad.value.rule


def test_sql_html_and_script_in_values_are_stored_and_returned_verbatim(
    app: bootstrap.App, key: str, client: Client
) -> None:
    hostile = "<script>alert('x')</script>\"; DROP TABLE subjects; -- <b>&amp;</b>"
    subject_id = client.create_subject("member", {"full_name": hostile, "email": "x@example.vn"})

    assert client.read_subject(subject_id, "service", ["full_name"]) == {"full_name": hostile}
    transport = SyncASGITransport(create_app(app))
    with httpx.Client(transport=transport, base_url="http://testserver") as raw:
        response = raw.get(
            f"/v1/subjects/{subject_id}",
            params={"purpose": "service", "fields": "full_name"},
            headers={"Authorization": f"Bearer {key}"},
        )
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '\\"; DROP TABLE' in response.text  # JSON-escaped, never interpreted


def test_erasing_twice_is_a_conflict_and_an_unknown_subject_is_not_found(
    client: Client,
) -> None:
    subject_id = client.create_subject("member", AN)
    client.erase_subject(subject_id)

    with pytest.raises(ApiError) as again:
        client.erase_subject(subject_id)
    with pytest.raises(ApiError) as unknown:
        client.erase_subject("no/such id")
    assert again.value.status == 409
    assert unknown.value.status == 404


def test_health_answers_through_the_client(client: Client) -> None:
    assert client.health() == {"status": "ok"}


def test_a_wrong_key_is_an_api_error_401(app: bootstrap.App) -> None:
    transport = SyncASGITransport(create_app(app))
    stranger = Client("http://testserver/", "bm_wrong", transport=transport)
    with stranger, pytest.raises(ApiError) as refused:
        stranger.create_subject("member", AN)
    assert (refused.value.status, refused.value.code) == (401, "unauthenticated")


def test_the_website_updates_and_clears_values_checked_as_at_registration(
    client: Client,
) -> None:
    subject_id = client.create_subject("member", AN)

    assert client.update_subject(subject_id, {"phone": "0912 345 678"}) == ["phone"]
    assert client.read_subject(subject_id, "service", ["phone"]) == {"phone": "+84912345678"}
    assert client.update_subject(subject_id, {"phone": None}) == ["phone"]
    assert client.read_subject(subject_id, "service", ["full_name", "phone"]) == {
        "full_name": "Lê Văn An"
    }
    for change, field in (({"email": None}, "email"), ({"fax": "1"}, "fax")):
        with pytest.raises(ApiError) as refused:
            client.update_subject(subject_id, change)
        assert (refused.value.status, refused.value.field) == (422, field)
    with pytest.raises(ApiError) as unknown:
        client.update_subject("no/such id", {"phone": None})
    assert unknown.value.status == 404
    client.close_account(subject_id)
    with pytest.raises(ApiError) as closed:
        client.update_subject(subject_id, {"phone": "0912 345 678"})
    assert (closed.value.status, closed.value.code) == (409, "conflict")


def test_the_website_sets_a_members_password_and_the_member_logs_in(
    app: bootstrap.App, client: Client
) -> None:
    subject_id = client.create_subject("member", AN)
    with pytest.raises(ApiError) as short:
        client.set_password(subject_id, "ngắn")
    assert (short.value.status, short.value.field) == (422, "password")
    with pytest.raises(ApiError) as unknown:
        client.set_password("no-such-subject", "một mật khẩu đủ dài")
    assert unknown.value.status == 404

    client.set_password(subject_id, "một mật khẩu đủ dài")
    transport = SyncASGITransport(create_app(app))
    with httpx.Client(transport=transport, base_url="http://testserver") as raw:
        body = {"tenant": "shop", "subject_id": subject_id, "password": "một mật khẩu đủ dài"}
        login = raw.post("/v1/subjects/login", json=body)
    assert login.status_code == 200, login.text
    with app.uow() as uow:
        actions = [e["action"] for e in uow.audit.entries("shop", subject_id)]
    assert "subject.password_set" in actions


def _publish_with_free_text(app: bootstrap.App) -> None:
    """The shop's version 2: a review it flags and a complaint it redacts, both free text."""
    doc = copy.deepcopy(SHOP)
    doc["version"] = 2
    text = {"type": "long_text", "category": "user_content", "sensitivity": "basic"}
    doc["subject_types"][0]["fields"] += [
        {"id": "review", "label": {"vi": "Đánh giá", "en": "Review"}, **text, "free_text": True},
        {"id": "complaint", "label": {"vi": "Khiếu nại", "en": "Complaint"}, **text,
         "free_text": True, "pii": "redact"},
    ]  # fmt: skip
    doc["purposes"][0]["fields"] += ["review", "complaint"]
    document = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    tenants.publish_policy(app.uow(), parse_policy(document, "shop.yaml"), document, "test", AT)


def test_the_website_learns_which_personal_data_a_review_holds_never_the_values(
    client: Client, app: bootstrap.App
) -> None:
    _publish_with_free_text(app)
    fake = Faker("vi_VN")
    fake.seed_instance(7)
    email = fake.free_email()
    review = f"Giao nhanh! Liên hệ 0912 345 678 hoặc {email} nhé."

    created = client.create_subject_scanned("member", {**AN, "review": review})
    updated = client.update_subject_scanned(created.id, {"complaint": review, "review": "Tốt."})

    both = {"email": 1, "phone": 1}
    assert created.pii_found == {"review": PiiInField("flag", both)}
    assert updated.fields == ["complaint", "review"]
    assert updated.pii_found == {"complaint": PiiInField("redact", both)}
    assert email not in repr((created, updated))
    assert client.read_subject(created.id, "service", ["complaint"]) == {
        "complaint": "Giao nhanh! Liên hệ [phone] hoặc [email] nhé."
    }
    assert client.create_subject_scanned("member", AN).pii_found == {}
