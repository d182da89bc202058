"""A Wesale seller's legal documents as attachments, over a real store (SQLite and PostgreSQL).

Wesale's seller type declares `legal_documents` (`type: file`, PDF, JPEG or
PNG up to 10 MiB), used by the purposes `fit_listing_to_layout`,
`technical_support_and_disputes` and `judicial_requests` (seeds/PROMISES.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, text, update

from baomat import bootstrap
from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.attachments import Attachment
from baomat.domain.decision import Denied
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.policy.loader import parse_policy
from baomat.policy.model import Policy
from baomat.services import attachments, holds, rights, subjects, tenants
from baomat.store import crypto
from baomat.store.tables import attachments as attachments_table
from tests.conftest import EXAMPLES
from tests.files import pdf, png
from tests.integration.shop import AT

WESALE_FILE = EXAMPLES / "wesale.yaml"
LATER = AT + dt.timedelta(hours=2)
FIELD = "legal_documents"
SUPPORT = "technical_support_and_disputes"
SELLER = {
    "full_name": "Trần Văn Bảo",
    "address": "18 Kim Mã, Ba Đình, Hà Nội",
    "phone": "0912 345 678",
    "email": "bao.tran@example.vn",
    "tax_code": "0110375724",
    "id_issue_date": "2015-06-01",
    "id_issue_place": "Cục Cảnh sát QLHC về TTXH",
}
SO_DO = pdf("Giay chung nhan quyen su dung dat - Tran Van Bao - thua 42")
"""The seller's land-use certificate: its text must never reach the database in clear."""


def _publish(app: App, tenant: str) -> Policy:
    document = WESALE_FILE.read_text("utf-8").replace("tenant: wesale", f"tenant: {tenant}", 1)
    policy = parse_policy(document, f"{tenant}.yaml")
    tenants.publish_policy(app.uow(), policy, document, "test", AT)
    return policy


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    bootstrap.ensure_keys(settings, env={})
    built = bootstrap.build(settings, env={}, clock=lambda: AT)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def wesale(app: App) -> Policy:
    return _publish(app, "wesale")


@pytest.fixture
def seller(app: App, wesale: Policy) -> str:
    return subjects.register(app.uow(), wesale, "seller", [SELLER], "test", AT)[0]


def _upload(
    app: App, policy: Policy, subject: str, content: bytes = SO_DO, **kw: Any
) -> Attachment:
    return attachments.upload(
        app.uow(), policy, subject, kw.get("field", FIELD), content,
        kw.get("media_type", "application/pdf"), "crm", AT,
    )  # fmt: skip


def _trail(app: App, tenant: str, subject: str) -> list[tuple[Any, ...]]:
    with app.uow() as uow:
        return [
            (e["action"], e["fields"], e["purpose"], e["outcome"], json.loads(e["detail"]))
            for e in uow.audit.entries(tenant, subject=subject)
            if e["action"].startswith("attachment.")
        ]


def _blobs(app: App) -> list[bytes]:
    with app.engine.connect() as conn:
        return [bytes(b) for b in conn.execute(select(attachments_table.c.ciphertext)).scalars()]


def test_a_sellers_document_is_stored_listed_and_downloaded_for_a_purpose(
    app: App, wesale: Policy, seller: str
) -> None:
    stored = _upload(app, wesale, seller)

    assert (stored.field, stored.media_type, stored.size) == (FIELD, "application/pdf", len(SO_DO))
    assert stored.sha256 == hashlib.sha256(SO_DO).hexdigest()
    assert attachments.list_for_subject(app.uow(), "wesale", seller) == [stored]
    found, content = attachments.download(
        app.uow(), wesale, seller, stored.id, SUPPORT, "crm", LATER
    )
    assert (found, content) == (stored, SO_DO)
    assert _trail(app, "wesale", seller) == [
        ("attachment.add", FIELD, None, "ok",
         {"attachment": stored.id, "media_type": "application/pdf", "bytes": len(SO_DO)}),
        ("attachment.read", FIELD, SUPPORT, "ok",
         {"attachment": stored.id, "reason": "allowed", "policy_version": 1}),
    ]  # fmt: skip


def test_no_plaintext_of_a_document_reaches_the_database(
    app: App, wesale: Policy, seller: str
) -> None:
    _upload(app, wesale, seller)
    [blob] = _blobs(app)
    assert b"Tran Van Bao" not in blob and b"%PDF" not in blob
    assert len(blob) == 1 + 12 + len(SO_DO) + 16


def test_a_download_for_a_purpose_that_does_not_use_the_field_is_refused_and_audited(
    app: App, wesale: Policy, seller: str
) -> None:
    stored = _upload(app, wesale, seller)

    with pytest.raises(Denied) as refused:
        attachments.download(app.uow(), wesale, seller, stored.id, "marketing_email", "crm", LATER)

    assert refused.value.reason == "field_not_in_purpose"
    assert _trail(app, "wesale", seller)[-1][:4] == (
        "attachment.read", FIELD, "marketing_email", "denied",
    )  # fmt: skip


def test_only_a_declared_file_field_of_the_subjects_type_takes_files(
    app: App, wesale: Policy, seller: str
) -> None:
    buyer = subjects.register(
        app.uow(), wesale, "buyer",
        [{"full_name": "Lê Thị Hồng", "phone": "0912 345 679", "email": "hong@example.vn"}],
        "test", AT,
    )[0]  # fmt: skip

    with pytest.raises(Invalid) as not_a_file:
        _upload(app, wesale, seller, field="email")
    with pytest.raises(Invalid) as not_declared:
        _upload(app, wesale, seller, field="passport_scan")
    with pytest.raises(Invalid) as not_for_buyers:
        _upload(app, wesale, buyer)

    assert (not_a_file.value.field, not_a_file.value.rule) == (
        "email", "is not a file field of subject type 'seller'",
    )  # fmt: skip
    assert not_declared.value.field == "passport_scan"
    assert not_for_buyers.value.rule == "is not a file field of subject type 'buyer'"
    assert _blobs(app) == []


def test_a_wrong_type_and_a_file_too_large_are_refused_naming_the_field(
    app: App, wesale: Policy, seller: str
) -> None:
    with pytest.raises(Invalid) as png_as_pdf:
        _upload(app, wesale, seller, png())
    with pytest.raises(Invalid) as html_as_pdf:
        _upload(app, wesale, seller, b"<html><script>alert(1)</script></html>")
    with pytest.raises(Invalid) as too_large:
        _upload(app, wesale, seller, pdf("x", padding=10 * 1024 * 1024))

    assert png_as_pdf.value.field == html_as_pdf.value.field == too_large.value.field == FIELD
    assert png_as_pdf.value.rule == "the content is not application/pdf, as it was declared"
    assert too_large.value.rule == "the file is over the field's limit of 10485760 bytes"
    assert "script" not in str(html_as_pdf.value)
    assert _blobs(app) == [] and _trail(app, "wesale", seller) == []
    # The same PNG, declared as what it is, is accepted.
    assert _upload(app, wesale, seller, png(), media_type="image/png").media_type == "image/png"


def test_another_tenant_finds_no_subject_and_no_file(app: App, wesale: Policy, seller: str) -> None:
    stored = _upload(app, wesale, seller)
    other = _publish(app, "other")

    for attempt in (
        lambda: _upload(app, other, seller),
        lambda: attachments.list_for_subject(app.uow(), "other", seller),
        lambda: attachments.download(app.uow(), other, seller, stored.id, SUPPORT, "x", LATER),
        lambda: attachments.delete(app.uow(), "other", seller, stored.id, "x", LATER),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert attachments.list_for_subject(app.uow(), "wesale", seller) == [stored]


def test_a_file_of_another_subject_is_not_found_by_its_id(
    app: App, wesale: Policy, seller: str
) -> None:
    stored = _upload(app, wesale, seller)
    neighbour = subjects.register(
        app.uow(), wesale, "seller", [{**SELLER, "email": "hang@example.vn"}], "test", AT
    )[0]

    with pytest.raises(NotFound, match="attachment not found"):
        attachments.download(app.uow(), wesale, neighbour, stored.id, SUPPORT, "crm", LATER)
    assert _trail(app, "wesale", neighbour) == []  # an id nobody issued to it is not audited


def test_erasure_shreds_the_files_and_deletes_their_rows(
    app: App, wesale: Policy, seller: str
) -> None:
    stored = _upload(app, wesale, seller)
    [backup] = _blobs(app)  # a copy of the store taken before the erasure
    with app.uow() as uow:
        key = uow.keystore.get("wesale", seller)
    assert key is not None

    subjects.erase(app.uow(), "wesale", seller, "subject_request", "crm", LATER)

    assert _blobs(app) == []
    with app.uow() as uow:
        assert uow.keystore.get("wesale", seller) is None
    with pytest.raises(NotFound):
        attachments.download(app.uow(), wesale, seller, stored.id, SUPPORT, "crm", LATER)
    with pytest.raises(NotFound):
        _upload(app, wesale, seller)
    with pytest.raises(NotFound):
        attachments.list_for_subject(app.uow(), "wesale", seller)
    # Only the shredded key opened the backup's copy; no other key does.
    opened = crypto.SubjectCipher(key, "wesale", seller)
    assert opened.open_file(FIELD, stored.id, stored.media_type, backup) == SO_DO
    with pytest.raises(crypto.DecryptionFailed):
        crypto.SubjectCipher(crypto.new_data_key(), "wesale", seller).open_file(
            FIELD, stored.id, stored.media_type, backup
        )


def test_a_deletion_request_removes_the_files_too(app: App, wesale: Policy, seller: str) -> None:
    _upload(app, wesale, seller)
    receipt = rights.submit(
        app.uow(), wesale, seller, "delete", "assisted", None, "support.lan", AT,
        identity_method="document_checked",
    )  # fmt: skip

    rights.delete(app.uow(), wesale, receipt.id, "dpo.an", LATER)

    assert _blobs(app) == []


def test_an_export_carries_the_files_and_an_access_report_describes_them(
    app: App, wesale: Policy, seller: str
) -> None:
    first = _upload(app, wesale, seller)
    second = _upload(app, wesale, seller, png(), media_type="image/png")
    export = rights.submit(app.uow(), wesale, seller, "export", "self_service", None, "subject", AT)
    access = rights.submit(app.uow(), wesale, seller, "access", "self_service", None, "subject", AT)

    archive = zipfile.ZipFile(
        io.BytesIO(rights.export(app.uow(), wesale, export.id, "subject", LATER))
    )
    report = rights.access(app.uow(), wesale, access.id, "subject", LATER)

    assert archive.read(f"attachments/{FIELD}-{first.id}.pdf") == SO_DO
    assert archive.read(f"attachments/{FIELD}-{second.id}.png") == png()
    described = json.loads(archive.read("data.json"))["attachments"]
    assert sorted((a["id"], a["sha256"], a["file"]) for a in described) == sorted([
        (first.id, first.sha256, f"attachments/{FIELD}-{first.id}.pdf"),
        (second.id, second.sha256, f"attachments/{FIELD}-{second.id}.png"),
    ])  # fmt: skip
    shown = report.as_dict()["attachments"]
    assert isinstance(shown, list)
    assert sorted((a["id"], a["file"]) for a in shown) == sorted(
        [(first.id, None), (second.id, None)]
    )
    with app.uow() as uow:
        reads = [e for e in uow.audit.entries("wesale", subject=seller)
                 if e["action"] == "subject.read"]  # fmt: skip
    assert FIELD in reads[0]["fields"].split(",") and FIELD not in reads[1]["fields"]


def test_a_file_moved_to_another_row_or_with_its_digest_changed_is_refused(
    app: App, wesale: Policy, seller: str
) -> None:
    first = _upload(app, wesale, seller)
    second = _upload(app, wesale, seller, pdf("another page"))
    with app.engine.begin() as conn:
        conn.execute(
            text("UPDATE attachments SET ciphertext = (SELECT ciphertext FROM attachments "
                 "WHERE id = :a) WHERE id = :b"),
            {"a": first.id, "b": second.id},
        )  # fmt: skip
        conn.execute(
            update(attachments_table)
            .where(attachments_table.c.id == first.id)
            .values(sha256=hashlib.sha256(b"x").hexdigest())
        )

    for moved in (first, second):
        with pytest.raises(crypto.DecryptionFailed):
            attachments.download(app.uow(), wesale, seller, moved.id, SUPPORT, "crm", LATER)


def test_a_file_is_deleted_audited_and_kept_under_a_legal_hold(
    app: App, wesale: Policy, seller: str
) -> None:
    kept = _upload(app, wesale, seller)
    gone = _upload(app, wesale, seller, png(), media_type="image/png")

    attachments.delete(app.uow(), "wesale", seller, gone.id, "crm", LATER)
    holds.place(app.uow(), "wesale", seller, "complaint", "KN-2026-001", "dpo.an", LATER)
    with pytest.raises(Conflict, match="legal hold"):
        attachments.delete(app.uow(), "wesale", seller, kept.id, "crm", LATER)
    with pytest.raises(NotFound):
        attachments.delete(app.uow(), "wesale", seller, gone.id, "crm", LATER)

    assert attachments.list_for_subject(app.uow(), "wesale", seller) == [kept]
    assert [t[0] for t in _trail(app, "wesale", seller)] == [
        "attachment.add", "attachment.add", "attachment.delete",
    ]  # fmt: skip


def test_a_failed_upload_leaves_neither_file_nor_audit_entry(
    app: App, wesale: Policy, seller: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from baomat.store.audit_log import AuditLog

    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("the audit store is down")

    monkeypatch.setattr(AuditLog, "append", broken)
    with pytest.raises(RuntimeError):
        _upload(app, wesale, seller)
    monkeypatch.undo()

    assert _blobs(app) == []
    assert _trail(app, "wesale", seller) == []


def test_an_upload_answers_with_the_time_the_listing_shows(
    app: App, wesale: Policy, seller: str
) -> None:
    in_hanoi = AT.astimezone(dt.timezone(dt.timedelta(hours=7)))
    stored = attachments.upload(
        app.uow(), wesale, seller, FIELD, SO_DO, "application/pdf", "crm", in_hanoi
    )

    assert stored.created_at.utcoffset() == dt.timedelta(0)
    assert attachments.list_for_subject(app.uow(), "wesale", seller) == [stored]
