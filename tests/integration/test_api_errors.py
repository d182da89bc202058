"""The API's answers when things go wrong: one shape, the right status, nothing personal."""

from __future__ import annotations

import logging

import pytest

from baomat import __version__, bootstrap
from baomat.store.tenants import PolicyVersionRecord
from tests.integration.shop import AT
from tests.integration.tenancy import http, new_key, publish_shop

NAME = "Đặng Thị Bí Mật"


@pytest.fixture
def key(app: bootstrap.App) -> str:
    publish_shop(app, "shop", version=2)
    return new_key(app, "shop")


def _audit_entries(app: bootstrap.App) -> int:
    with app.uow() as uow:
        return len(uow.audit.entries("shop"))


def test_a_10_mb_body_is_refused_with_413_before_it_is_read(app: bootstrap.App, key: str) -> None:
    before = _audit_entries(app)
    body = b'{"subject_type": "member", "values": {"full_name": "' + b"x" * 10_000_000 + b'"}}'

    def chunks() -> list[bytes]:
        return [body[i : i + 65536] for i in range(0, len(body), 65536)]

    with http(app, key) as client:
        declared = client.post(
            "/v1/subjects", content=body, headers={"Content-Type": "application/json"}
        )
        streamed = client.post(
            "/v1/subjects", content=iter(chunks()), headers={"Content-Type": "application/json"}
        )
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "content_too_large"
    assert "content-length" not in {k.lower() for k in streamed.request.headers}
    assert _audit_entries(app) == before


def test_a_request_the_schema_refuses_names_the_field_and_never_echoes_the_input(
    app: bootstrap.App, key: str
) -> None:
    with http(app, key) as client:
        not_text = client.post(
            "/v1/subjects", json={"subject_type": "member", "values": {"full_name": [NAME]}}
        )
        unknown_key = client.post(
            "/v1/subjects", json={"subject_type": "member", "values": {}, "note": NAME}
        )
        not_json = client.post(
            "/v1/subjects", content=NAME.encode(), headers={"Content-Type": "application/json"}
        )
    assert not_text.status_code == 422
    assert not_text.json()["error"]["field"] == "values.full_name"
    assert unknown_key.json()["error"]["field"] == "note"
    assert not_json.json()["error"]["field"] == "body"
    for response in (not_text, unknown_key, not_json):
        assert response.status_code == 422
        assert set(response.json()["error"]) == {"code", "message", "field", "rule"}
        assert "Bí Mật" not in response.text
        assert "B\\u00ed" not in response.text


def test_an_unexpected_error_is_a_generic_500_logged_by_its_type_only(
    app: bootstrap.App, caplog: pytest.LogCaptureFixture
) -> None:
    # A tenant whose stored policy text cannot be parsed: a fault of the store, not of the caller
    # (publishing refuses such a text, so it is written into the store directly).
    publish_shop(app, "broken")
    broken = PolicyVersionRecord("broken", 2, f"owner: {NAME}\n: [", "0" * 64, AT.date())
    with app.uow() as uow:
        uow.tenants.add_version(broken, AT, "test")
        uow.commit()

    with (
        caplog.at_level(logging.ERROR, logger="baomat.api"),
        http(app, new_key(app, "broken")) as c,
    ):
        response = c.post("/v1/subjects", json={"subject_type": "member", "values": {}})

    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal", "message": "internal error; it has been logged"}
    }
    [record] = caplog.records
    assert record.getMessage() == "internal error: PolicyError"
    assert record.exc_info is None
    assert "Bí Mật" not in caplog.text


def test_unknown_paths_and_wrong_methods_answer_in_the_same_shape(app: bootstrap.App) -> None:
    with http(app) as client:
        missing = client.get("/v1/nothing-here")
        wrong = client.put("/v1/health")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "method_not_allowed")
    assert "GET" in wrong.headers["allow"]


def test_health_needs_no_key_and_answers_are_neither_cached_nor_sniffed(
    app: bootstrap.App,
) -> None:
    with http(app) as client:
        response = client.get("/v1/health")
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_openapi_document_names_the_version_and_every_path_is_under_v1(
    app: bootstrap.App,
) -> None:
    with http(app) as client:
        spec = client.get("/openapi.json").json()
        docs = client.get("/docs")
    assert (spec["info"]["title"], spec["info"]["version"]) == ("baomat", __version__)
    assert spec["paths"]
    assert all(path.startswith("/v1/") for path in spec["paths"])
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    # The docs page loads Swagger UI from a CDN: off unless BAOMAT_API_DOCS asks for it.
    assert docs.status_code == 404


def test_the_docs_page_is_served_when_asked_for(app: bootstrap.App) -> None:
    app.settings = app.settings.model_copy(update={"api_docs": True})
    with http(app) as client:
        assert client.get("/docs").status_code == 200
