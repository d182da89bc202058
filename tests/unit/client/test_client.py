"""The client against a fake server: the requests it sends, and errors as ApiError."""

from __future__ import annotations

import json

import httpx
import pytest

from baomat.client import ApiError, Client

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
