"""End to end over HTTP: the DPO, the auditor and the admin download the record of processing
and the draft DPIA as HTML and PDF, and the fides data map; support staff and API keys cannot."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from baomat import bootstrap
from baomat.domain.roles import Role
from baomat.services._records_text import say
from tests.integration.logins import staff_token
from tests.integration.tenancy import http

pytestmark = pytest.mark.usefixtures("fast_passwords")


def test_staff_who_read_registers_download_each_document_in_each_format(
    app: bootstrap.App,
) -> None:
    roles = {"an.dpo": Role.DPO, "binh.audit": Role.AUDITOR, "chi.admin": Role.ADMIN}
    readers = [staff_token(app, "shop", name, role) for name, role in roles.items()]
    for token in readers:
        with http(app, token) as staff:
            html = staff.get("/v1/documents/ropa", params={"lang": "en", "format": "html"})
            pdf = staff.get("/v1/documents/dpia", params={"lang": "vi", "format": "pdf"})
            fides = staff.get("/v1/documents/fides")

        assert html.status_code == 200, html.text
        assert html.headers["content-type"] == "text/html; charset=utf-8"
        assert say("ropa_title", "en") in html.text
        assert 'filename="shop-ropa-en.html"' in html.headers["content-disposition"]
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert say("signoff", "vi") in text
        assert fides.status_code == 200
        assert [s["fides_key"] for s in fides.json()["system"]] == ["shop"]


def test_support_staff_and_api_keys_are_refused_and_a_bad_choice_names_its_field(
    app: bootstrap.App, key: str
) -> None:
    support = staff_token(app, "shop", "dung.support", Role.SUPPORT)
    dpo = staff_token(app, "shop", "an.dpo", Role.DPO)

    with http(app, support) as staff:
        assert staff.get("/v1/documents/ropa").status_code == 403
    with http(app, key) as website:
        assert website.get("/v1/documents/ropa").status_code == 401
    with http(app, dpo) as staff:
        wrong = staff.get("/v1/documents/dpia", params={"format": "docx"})
    assert wrong.status_code == 422
    assert "format" in wrong.text
