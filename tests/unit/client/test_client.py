"""The client against a fake server: the requests it sends, and errors as ApiError."""

from __future__ import annotations

import json

import httpx
import pytest

from baomat.client import ApiError, Client, PiiInField, Stored

KEY = "bm_0123456789abcdef_" + "s" * 43


def _client(handler: httpx.MockTransport) -> Client:
    return Client("https://baomat.example/", KEY, transport=handler)


def test_requests_carry_the_key_under_v1_and_ids_as_one_path_segment() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST":
            return httpx.Response(201, json={"id": "abc"})
        if request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(200, json={"id": "a/b", "purpose": "p", "values": {"email": "e"}})

    with _client(httpx.MockTransport(answer)) as api:
        assert api.create_subject("member", {"email": "e"}) == "abc"
        assert api.read_subject("a/b", "service", ["email", "phone"]) == {"email": "e"}
        api.erase_subject("a/b")

    create, read, erase = seen
    assert create.url.path == "/v1/subjects"
    assert json.loads(create.content) == {"subject_type": "member", "values": {"email": "e"}}
    assert read.url.raw_path == b"/v1/subjects/a%2Fb?purpose=service&fields=email%2Cphone"
    assert erase.method == "DELETE"
    assert all(r.headers["Authorization"] == f"Bearer {KEY}" for r in seen)


def test_an_error_answer_becomes_an_api_error_with_field_and_rule() -> None:
    body = {"error": {"code": "invalid", "message": "email: bad", "field": "email", "rule": "bad"}}
    api = _client(httpx.MockTransport(lambda _: httpx.Response(422, json=body)))

    with pytest.raises(ApiError) as raised:
        api.create_subject("member", {"email": "x"})

    error = raised.value
    assert (error.status, error.code, error.field, error.rule) == (422, "invalid", "email", "bad")
    assert str(error) == "422 invalid: email: bad"


def test_an_answer_that_is_not_ours_is_still_an_api_error() -> None:
    api = _client(httpx.MockTransport(lambda _: httpx.Response(502, text="<html>Bad</html>")))

    with pytest.raises(ApiError) as raised:
        api.health()

    assert (raised.value.status, raised.value.code, raised.value.field) == (502, "http_error", None)


def test_attachments_go_as_multipart_and_come_back_as_bytes() -> None:
    seen: list[httpx.Request] = []
    described = {"id": "f1", "field": "legal_documents", "media_type": "application/pdf"}

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST":
            return httpx.Response(201, json=described)
        if request.method == "DELETE":
            return httpx.Response(204)
        if request.url.path.endswith("/attachments"):
            return httpx.Response(200, json={"attachments": [described]})
        return httpx.Response(200, content=b"%PDF-1.4", headers={"Content-Type": "application/pdf"})

    with _client(httpx.MockTransport(answer)) as api:
        uploaded = api.upload_attachment(
            "a/b", "legal_documents", "sổ.pdf", b"%PDF-1.4", "application/pdf"
        )
        assert uploaded == described
        assert api.attachments("a/b") == [described]
        assert api.download_attachment("a/b", "f1", "support") == b"%PDF-1.4"
        api.delete_attachment("a/b", "f1")

    upload, listing, download, delete = seen
    assert upload.url.raw_path == b"/v1/subjects/a%2Fb/attachments"
    assert upload.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="field"\r\n\r\nlegal_documents' in upload.content
    assert b"Content-Type: application/pdf\r\n\r\n%PDF-1.4" in upload.content
    assert listing.method == "GET"
    assert download.url.raw_path == b"/v1/subjects/a%2Fb/attachments/f1?purpose=support"
    assert (delete.method, delete.url.raw_path) == ("DELETE", b"/v1/subjects/a%2Fb/attachments/f1")


def test_a_refused_download_is_an_api_error_not_bytes() -> None:
    body = {"error": {"code": "denied", "message": "no", "reason": "subject_objected"}}
    api = _client(httpx.MockTransport(lambda _: httpx.Response(403, json=body)))

    with pytest.raises(ApiError) as raised:
        api.download_attachment("s", "f1", "support")

    assert (raised.value.status, raised.value.code) == (403, "denied")


def test_a_disclosure_and_an_account_closure_name_the_subject_as_one_segment() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/close"):
            return httpx.Response(204)
        released = {"id": "d1", "recipient": "courier", "fields": ["phone"], "values": {}}
        return httpx.Response(201, json=released)

    with _client(httpx.MockTransport(answer)) as api:
        assert api.disclose("a/b", "courier", "delivery")["fields"] == ["phone"]
        api.close_account("a/b")

    disclose, close = seen
    assert disclose.url.raw_path == b"/v1/subjects/a%2Fb/disclosures"
    assert json.loads(disclose.content) == {"recipient": "courier", "purpose": "delivery"}
    assert (close.method, close.url.raw_path) == ("POST", b"/v1/subjects/a%2Fb/close")


def test_a_use_of_data_a_decision_refuses_carries_its_reason() -> None:
    body = {"error": {"code": "denied", "message": "no_consent: ...", "reason": "no_consent"}}
    api = _client(httpx.MockTransport(lambda _: httpx.Response(403, json=body)))

    with pytest.raises(ApiError) as raised:
        api.disclose("s", "sellers", "share_with_sellers")

    assert (raised.value.status, raised.value.code, raised.value.reason) == (
        403,
        "denied",
        "no_consent",
    )


def test_an_update_and_a_password_name_the_subject_as_one_segment() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/password"):
            return httpx.Response(204)
        return httpx.Response(200, json={"id": "a/b", "fields": ["address", "phone"]})

    with _client(httpx.MockTransport(answer)) as api:
        assert api.update_subject("a/b", {"phone": "0912 345 678", "address": None}) == [
            "address",
            "phone",
        ]
        api.set_password("a/b", "một mật khẩu đủ dài")

    update, password = seen
    assert (update.method, update.url.raw_path) == ("PATCH", b"/v1/subjects/a%2Fb")
    assert json.loads(update.content) == {"values": {"phone": "0912 345 678", "address": None}}
    assert (password.method, password.url.raw_path) == ("POST", b"/v1/subjects/a%2Fb/password")
    assert json.loads(password.content) == {"password": "một mật khẩu đủ dài"}


def test_the_personal_data_found_in_free_text_comes_back_by_field_kind_and_count() -> None:
    found = {"review": {"handling": "flag", "counts": {"email": 1, "phone": 2}}}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, json={"id": "abc", "pii_found": found})
        return httpx.Response(200, json={"id": "abc", "fields": ["review"], "pii_found": {}})

    with _client(httpx.MockTransport(answer)) as api:
        created = api.create_subject_scanned("member", {"review": "..."})
        updated = api.update_subject_scanned("abc", {"review": "..."})

    assert created == Stored("abc", [], {"review": PiiInField("flag", {"email": 1, "phone": 2})})
    assert updated == Stored("abc", ["review"], {})


def test_a_second_registration_of_a_unique_value_is_a_conflict_naming_the_field() -> None:
    body = {"error": {"code": "conflict", "message": "email: taken", "field": "email",
                      "rule": "taken"}}  # fmt: skip
    api = _client(httpx.MockTransport(lambda _: httpx.Response(409, json=body)))

    with pytest.raises(ApiError) as raised:
        api.create_subject("member", {"email": "x@example.vn"})

    assert (raised.value.status, raised.value.code, raised.value.field) == (
        409,
        "conflict",
        "email",
    )
