"""Values are stored encrypted, found by blind index, rotated and shredded."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import create_engine, text

from baomat import bootstrap
from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.decision import Denied
from baomat.domain.errors import NotFound
from baomat.policy.model import Policy
from baomat.services import keys, subjects
from baomat.store import crypto
from baomat.store.subjects import SubjectShredded
from tests.integration.shop import AT

MEMBER = {"full_name": "Trần Thị Ngọc", "email": "Ngoc.Tran@Example.VN", "phone": "0974 063 482"}


def _register(app: App, shop: Policy, record: dict[str, str] = MEMBER) -> str:
    return subjects.register(app.uow(), shop, "member", [record], "test", AT)[0]


def test_values_round_trip_through_the_store(app: App, shop: Policy) -> None:
    sid = _register(app, shop)
    got = subjects.read(app.uow(), shop, sid, ["full_name", "email"], "service", "test", AT)
    # Emails are stored in their validated form: the domain lower-cased, the local part as typed.
    assert got == {"full_name": MEMBER["full_name"], "email": "Ngoc.Tran@example.vn"}


def test_no_plaintext_reaches_the_database(app: App, shop: Policy) -> None:
    _register(app, shop)
    with app.engine.connect() as conn:
        blobs = [bytes(r[0]) for r in conn.execute(text("SELECT ciphertext FROM field_values"))]
    assert len(blobs) == 3
    for value in MEMBER.values():
        assert all(value.encode() not in blob for blob in blobs)


def test_searchable_fields_are_found_by_normalised_value(app: App, shop: Policy) -> None:
    sid = _register(app, shop)
    with app.uow() as uow:
        assert uow.subjects.find("shop", "email", "ngoc.tran@example.vn") == [sid]
        assert uow.subjects.find("shop", "phone", "+84974063482") == [sid]
        assert uow.subjects.find("shop", "email", "someone@example.vn") == []


def test_reading_outside_the_purpose_is_refused_and_audited(app: App, shop: Policy) -> None:
    sid = _register(app, shop)
    with pytest.raises(Denied, match="phone not used by purpose 'marketing_email'"):
        subjects.read(app.uow(), shop, sid, ["phone"], "marketing_email", "test", AT)
    with app.uow() as uow:
        last = uow.audit.entries("shop", subject=sid)[-1]
    assert (last["action"], last["outcome"], last["purpose"]) == (
        "subject.read", "denied", "marketing_email",
    )  # fmt: skip


def test_a_ciphertext_moved_to_another_row_fails_to_decrypt(app: App, shop: Policy) -> None:
    sid = _register(app, shop)
    with app.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE field_values SET ciphertext = (SELECT ciphertext FROM field_values "
                "WHERE subject_id = :s AND field = 'email') "
                "WHERE subject_id = :s AND field = 'full_name'"
            ),
            {"s": sid},
        )
    with pytest.raises(crypto.DecryptionFailed):
        subjects.read(app.uow(), shop, sid, ["full_name"], "service", "test", AT)


def test_every_value_is_readable_after_master_key_rotation(app: App, shop: Policy) -> None:
    ids = [_register(app, shop, {**MEMBER, "email": f"m{i}@example.vn"}) for i in range(3)]
    with app.engine.connect() as conn:
        before = sorted(
            bytes(r[0]) for r in conn.execute(text("SELECT ciphertext FROM field_values"))
        )
    old_id = app.keystore.active_key_id
    new_id, count = keys.rotate(app.uow(), app.settings.home, "test", AT)
    assert count == 3 and new_id != old_id
    with app.engine.connect() as conn:
        after = sorted(
            bytes(r[0]) for r in conn.execute(text("SELECT ciphertext FROM field_values"))
        )
    assert after == before  # rotation rewraps data keys only
    for i, sid in enumerate(ids):
        got = subjects.read(app.uow(), shop, sid, ["email"], "service", "test", AT)
        assert got == {"email": f"m{i}@example.vn"}
    reopened = bootstrap.build(app.settings, env={})
    try:
        assert reopened.keystore.active_key_id == new_id
        got = subjects.read(reopened.uow(), shop, ids[0], ["email"], "service", "test", AT)
        assert got == {"email": "m0@example.vn"}
    finally:
        reopened.close()


def test_a_wrong_master_key_stops_before_anything_is_written(
    app: App, shop: Policy, settings: Settings
) -> None:
    _register(app, shop)
    with app.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM audit_entries")).scalar_one()
    wrong = {
        "BAOMAT_MASTER_KEY": crypto.MasterKey.generate().to_text(),
        "BAOMAT_INDEX_KEY": crypto.IndexKey.generate().to_text(),
    }
    with pytest.raises(crypto.WrongMasterKey, match="does not match"):
        bootstrap.build(settings, env=wrong)
    with app.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_entries")).scalar_one() == count


def test_an_erased_subject_cannot_be_read_even_from_a_copy_taken_before(
    app: App, shop: Policy, settings: Settings
) -> None:
    if app.engine.dialect.name != "sqlite":
        pytest.skip("copies the SQLite store file; the key handling is the same on PostgreSQL")
    sid = _register(app, shop)
    keep = _register(app, shop, {**MEMBER, "email": "keep@example.vn"})
    home = settings.home
    app.engine.dispose()
    shutil.copy(home / "baomat.sqlite3", home / "before-shred.sqlite3")

    subjects.erase(app.uow(), "shop", sid, "subject_request", "test", AT)

    with pytest.raises(NotFound):
        subjects.read(app.uow(), shop, sid, ["email"], "service", "test", AT)
    with app.uow() as uow:
        assert uow.keystore.get("shop", sid) is None
        assert uow.audit.entries("shop", subject=sid)[-1]["action"] == "subject.erase"
    # The old copy still holds the ciphertexts, but no key for them exists any more.
    copy = create_engine(f"sqlite:///{home / 'before-shred.sqlite3'}")
    with copy.connect() as conn:
        rows = conn.execute(
            text("SELECT field, ciphertext FROM field_values WHERE subject_id = :s"), {"s": sid}
        ).all()
    copy.dispose()
    assert len(rows) == 3
    from baomat.store.subjects import SubjectRepository

    with app.engine.connect() as conn:
        repo = SubjectRepository(conn, app.keystore, app.index)
        with pytest.raises(SubjectShredded):
            repo.values("shop", sid)
    for field, blob in rows:
        for candidate in (crypto.new_data_key(),):
            with pytest.raises(crypto.DecryptionFailed):
                crypto.SubjectCipher(candidate, "shop", sid).decrypt(field, bytes(blob))
    # Others are untouched.
    got = subjects.read(app.uow(), shop, keep, ["email"], "service", "test", AT)
    assert got == {"email": "keep@example.vn"}
