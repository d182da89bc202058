"""The audit chain in the store: appends chain up, and any tampering is named."""

from __future__ import annotations

import pytest
from faker import Faker
from sqlalchemy import text

from baomat.bootstrap import App
from baomat.policy.model import Policy
from baomat.services import audit, subjects
from baomat.store.audit_log import AuditLog
from tests.integration.shop import AT


def _members(n: int) -> list[dict[str, str]]:
    fake = Faker("vi_VN")
    fake.seed_instance(3)
    return [{"full_name": fake.name(), "email": f"m{i}@example.vn"} for i in range(n)]


def _fill(app: App, shop: Policy, n: int = 5) -> list[str]:
    return subjects.register(app.uow(), shop, "member", _members(n), "test", AT)


def test_a_fresh_chain_verifies(app: App, shop: Policy) -> None:
    _fill(app, shop)
    checked, broken = audit.verify(app.uow())
    assert broken is None
    assert checked == 2 + 5  # tenant.create, policy.publish, five subject.create


def test_entries_hold_field_names_and_pseudonyms_never_values(app: App, shop: Policy) -> None:
    ids = _fill(app, shop, 1)
    with app.uow() as uow:
        entries = uow.audit.entries("shop", subject=ids[0])
    assert [e["action"] for e in entries] == ["subject.create"]
    assert entries[0]["fields"] == "email,full_name"
    assert "example.vn" not in str(entries)


def test_an_edited_entry_is_named(app: App, shop: Policy) -> None:
    _fill(app, shop)
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 4"))
    checked, broken = audit.verify(app.uow())
    assert broken is not None
    assert (broken.tenant, broken.seq) == ("shop", 4)
    assert "edited" in broken.reason
    assert checked == 4


def test_a_deleted_entry_is_named(app: App, shop: Policy) -> None:
    _fill(app, shop)
    with app.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    _, broken = audit.verify(app.uow())
    assert broken is not None
    assert broken.seq == 3
    assert "missing" in broken.reason


def test_reordered_entries_are_named(app: App, shop: Policy) -> None:
    _fill(app, shop)
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET seq = 100 WHERE seq = 4"))
        conn.execute(text("UPDATE audit_entries SET seq = 4 WHERE seq = 5"))
        conn.execute(text("UPDATE audit_entries SET seq = 5 WHERE seq = 100"))
    _, broken = audit.verify(app.uow())
    assert broken is not None
    assert broken.seq == 4
    assert "does not follow" in broken.reason


def test_a_deleted_tail_is_noticed(app: App, shop: Policy) -> None:
    _fill(app, shop)
    with app.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 7"))
    _, broken = audit.verify(app.uow())
    assert broken is not None
    assert "ends at entry 6" in broken.reason


def test_a_failed_use_case_leaves_neither_change_nor_audit(app: App, shop: Policy) -> None:
    records = _members(3)
    records[2] = {"full_name": "Lê Văn Ba"}  # email is required
    before, _ = audit.verify(app.uow())
    try:
        subjects.register(app.uow(), shop, "member", records, "test", AT)
    except Exception as exc:
        assert "email: is required" in str(exc)
    else:
        raise AssertionError("a record without its required email was stored")
    after, broken = audit.verify(app.uow())
    assert (after, broken) == (before, None)
    with app.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM subjects")).scalar_one() == 0


def test_a_rolled_back_registration_leaves_no_data_key_behind(
    app: App, shop: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object) -> int:
        raise RuntimeError("the audit append failed")

    monkeypatch.setattr(AuditLog, "append", fail)
    with pytest.raises(RuntimeError, match="audit append failed"):
        subjects.register(app.uow(), shop, "member", _members(3), "test", AT)
    with app.keystore_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM data_keys")).scalar_one() == 0
    with app.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM subjects")).scalar_one() == 0
