"""Wesale's website stores a seller's legal documents over HTTP with the client, and reads them
back for a purpose; another tenant sees nothing of them, and erasure leaves nothing readable."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from baomat import bootstrap
from baomat.api.app import create_app
from baomat.client import ApiError, Client
from baomat.policy.loader import parse_policy
from baomat.services import tenants
from baomat.store import crypto
from baomat.store.tables import attachments
from tests.asgi import SyncASGITransport
from tests.conftest import EXAMPLES
from tests.files import pdf, png
from tests.integration.shop import AT
from tests.integration.tenancy import new_key

FIELD = "legal_documents"
SUPPORT = "technical_support_and_disputes"
SELLER = {
    "full_name": "Nguyễn Thị Lan",
    "address": "7 Tràng Tiền, Hoàn Kiếm, Hà Nội",
    "phone": "0983 456 789",
    "email": "lan.nguyen@example.vn",
    "tax_code": "0110375724",
    "id_issue_date": "2016-03-15",
    "id_issue_place": "Cục Cảnh sát QLHC về TTXH",
}
SO_DO = pdf("Giay chung nhan quyen su dung dat - Nguyen Thi Lan - thua 17, to ban do 5")


def _publish(app: bootstrap.App, tenant: str) -> None:
    document = (EXAMPLES / "wesale.yaml").read_text("utf-8")
    document = document.replace("tenant: wesale", f"tenant: {tenant}", 1)
    tenants.publish_policy(app.uow(), parse_policy(document, tenant), document, "test", AT)


@pytest.fixture
def wesale(app: bootstrap.App) -> Iterator[Client]:
    """Wesale's website, and a second tenant (`other`) with the same policy."""
    _publish(app, "wesale")
    _publish(app, "other")
    transport = SyncASGITransport(create_app(app))
    with Client("http://testserver", new_key(app, "wesale"), transport=transport) as api:
        yield api


@pytest.fixture
def other(app: bootstrap.App, wesale: Client) -> Iterator[Client]:
    transport = SyncASGITransport(create_app(app))
    with Client("http://testserver", new_key(app, "other"), transport=transport) as api:
        yield api


@pytest.fixture
def seller(wesale: Client) -> str:
    return wesale.create_subject("seller", SELLER)


def test_a_sellers_pdf_is_uploaded_listed_and_downloaded_byte_for_byte(
    wesale: Client, seller: str
) -> None:
    stored = wesale.upload_attachment(seller, FIELD, "sổ đỏ.pdf", SO_DO, "application/pdf")

    assert (stored["field"], stored["media_type"], stored["size"]) == (
        FIELD, "application/pdf", len(SO_DO),
    )  # fmt: skip
    assert stored["sha256"] == hashlib.sha256(SO_DO).hexdigest()
    assert wesale.attachments(seller) == [stored]
    assert wesale.download_attachment(seller, stored["id"], SUPPORT) == SO_DO


def test_a_download_names_the_stored_type_and_is_never_sniffed_or_shown_inline(
    app: bootstrap.App, wesale: Client, seller: str
) -> None:
    stored = wesale.upload_attachment(seller, FIELD, "a.png", png(), "image/png")
    key = new_key(app, "wesale")
    with httpx.Client(
        transport=SyncASGITransport(create_app(app)),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {key}"},
    ) as raw:
        response = raw.get(
            f"/v1/subjects/{seller}/attachments/{stored['id']}", params={"purpose": SUPPORT}
        )

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{FIELD}-{stored["id"]}.png"'
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.content == png()


def test_an_upload_over_one_mib_is_never_spooled_to_disk_unencrypted(
    wesale: Client, seller: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: tempfile.SpooledTemporaryFile[bytes]) -> None:
        raise AssertionError("a file part was written to a temporary file")

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", refuse)
    three_mib = pdf("x", padding=3 * 1024 * 1024)

    stored = wesale.upload_attachment(seller, FIELD, "a.pdf", three_mib, "application/pdf")

    assert wesale.download_attachment(seller, stored["id"], SUPPORT) == three_mib


def test_a_file_that_is_not_what_it_claims_is_refused_naming_the_field(
    wesale: Client, seller: str
) -> None:
    with pytest.raises(ApiError) as html:
        wesale.upload_attachment(
            seller, FIELD, "so-do.pdf", b"<html><script>steal()</script></html>", "application/pdf"
        )
    with pytest.raises(ApiError) as gif:
        wesale.upload_attachment(seller, FIELD, "x.gif", b"GIF89a\x01\x00", "image/gif")

    assert (html.value.status, html.value.code, html.value.field) == (422, "invalid", FIELD)
    assert html.value.rule == "the content is not application/pdf, as it was declared"
    assert "steal" not in str(html.value)
    assert (gif.value.status, gif.value.field) == (422, FIELD)
    assert gif.value.rule == "the media type must be one of application/pdf, image/jpeg, image/png"
    assert wesale.attachments(seller) == []


def test_a_file_over_the_fields_limit_is_refused_naming_the_field(
    wesale: Client, seller: str
) -> None:
    eleven_mib = pdf("x", padding=11 * 1024 * 1024)

    with pytest.raises(ApiError) as too_large:
        wesale.upload_attachment(seller, FIELD, "big.pdf", eleven_mib, "application/pdf")

    assert (too_large.value.status, too_large.value.field) == (422, FIELD)
    assert too_large.value.rule == "the file is over the field's limit of 10485760 bytes"


def test_a_body_over_the_largest_possible_file_is_413_before_it_is_read(
    app: bootstrap.App, wesale: Client, seller: str
) -> None:
    key = new_key(app, "wesale")
    with httpx.Client(
        transport=SyncASGITransport(create_app(app)), base_url="http://testserver"
    ) as raw:
        response = raw.post(
            f"/v1/subjects/{seller}/attachments",
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "multipart/form-data; boundary=x",
                "Content-Length": str(51 * 1024 * 1024),
            },
            content=b"",
        )
        # Any other route keeps the 1 MiB limit.
        other = raw.post(
            "/v1/subjects",
            headers={"Authorization": f"Bearer {key}", "Content-Length": str(2 * 1024 * 1024)},
            content=b"",
        )
    assert response.status_code == other.status_code == 413
    assert response.json()["error"]["code"] == "content_too_large"


def test_a_field_that_takes_no_files_and_a_missing_file_are_refused(
    app: bootstrap.App, wesale: Client, seller: str
) -> None:
    with pytest.raises(ApiError) as email:
        wesale.upload_attachment(seller, "email", "a.pdf", SO_DO, "application/pdf")
    key = new_key(app, "wesale")
    with httpx.Client(
        transport=SyncASGITransport(create_app(app)), base_url="http://testserver"
    ) as raw:
        no_file = raw.post(
            f"/v1/subjects/{seller}/attachments",
            headers={"Authorization": f"Bearer {key}"},
            data={"field": FIELD},
            files={"other": ("a.txt", b"hello", "text/plain")},
        )
        json_body = raw.post(
            f"/v1/subjects/{seller}/attachments",
            headers={"Authorization": f"Bearer {key}"},
            json={"field": FIELD},
        )

    assert (email.value.status, email.value.field) == (422, "email")
    assert no_file.status_code == json_body.status_code == 422
    assert json_body.json()["error"]["field"] == "body"


def test_another_tenant_gets_404_for_every_call(wesale: Client, other: Client, seller: str) -> None:
    stored = wesale.upload_attachment(seller, FIELD, "a.pdf", SO_DO, "application/pdf")

    for call in (
        lambda: other.upload_attachment(seller, FIELD, "a.pdf", SO_DO, "application/pdf"),
        lambda: other.attachments(seller),
        lambda: other.download_attachment(seller, stored["id"], SUPPORT),
        lambda: other.delete_attachment(seller, stored["id"]),
    ):
        with pytest.raises(ApiError) as refused:
            call()
        assert (refused.value.status, refused.value.code) == (404, "not_found")
    assert wesale.attachments(seller) == [stored]


def test_a_purpose_that_does_not_use_the_field_is_422_and_audited(
    app: bootstrap.App, wesale: Client, seller: str
) -> None:
    stored = wesale.upload_attachment(seller, FIELD, "a.pdf", SO_DO, "application/pdf")

    with pytest.raises(ApiError) as refused:
        wesale.download_attachment(seller, stored["id"], "marketing_email")

    assert (refused.value.status, refused.value.field) == (422, "fields")
    with app.uow() as uow:
        [read] = [
            e for e in uow.audit.entries("wesale", seller) if e["action"] == "attachment.read"
        ]
    assert (read["purpose"], read["outcome"], read["fields"]) == (
        "marketing_email",
        "denied",
        FIELD,
    )
    assert read["actor"].startswith("apikey:")


def test_after_erasure_the_file_is_gone_and_its_ciphertext_cannot_be_decrypted(
    app: bootstrap.App, wesale: Client, seller: str
) -> None:
    stored = wesale.upload_attachment(seller, FIELD, "a.pdf", SO_DO, "application/pdf")
    with app.engine.connect() as conn:  # a backup of the main store, taken before
        [backup] = conn.execute(select(attachments.c.ciphertext)).scalars().all()

    wesale.erase_subject(seller)

    with pytest.raises(ApiError) as gone:
        wesale.download_attachment(seller, stored["id"], SUPPORT)
    assert gone.value.status in (404, 410)
    with pytest.raises(ApiError) as listed:
        wesale.attachments(seller)
    assert listed.value.status == 404
    with app.engine.connect() as conn:
        assert conn.execute(select(attachments.c.id)).all() == []
    with app.uow() as uow:
        assert uow.keystore.get("wesale", seller) is None  # the data key is shredded
    with pytest.raises(crypto.DecryptionFailed):
        crypto.SubjectCipher(crypto.new_data_key(), "wesale", seller).open_file(
            FIELD, stored["id"], "application/pdf", bytes(backup)
        )
    assert b"Nguyen Thi Lan" not in bytes(backup)


def test_a_file_is_deleted(wesale: Client, seller: str) -> None:
    stored = wesale.upload_attachment(seller, FIELD, "a.pdf", SO_DO, "application/pdf")

    wesale.delete_attachment(seller, stored["id"])

    assert wesale.attachments(seller) == []
    with pytest.raises(ApiError) as again:
        wesale.delete_attachment(seller, stored["id"])
    assert again.value.status == 404
