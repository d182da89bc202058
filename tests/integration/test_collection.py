"""Collecting values: each is validated by its field's type before anything is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from baomat.bootstrap import App
from baomat.domain.errors import Invalid
from baomat.policy.model import Policy
from baomat.services import audit, subjects
from tests.integration.shop import AT

GOOD = {"full_name": "Trần Thị Ngọc", "email": "ngoc.tran@example.vn", "phone": "0974 063 482"}


def _counts(app: App) -> tuple[int, int, int]:
    """→ (subjects, stored values, audit entries)."""
    with app.engine.connect() as conn:
        stored = (
            conn.execute(text("SELECT count(*) FROM subjects")).scalar_one(),
            conn.execute(text("SELECT count(*) FROM field_values")).scalar_one(),
        )
    return (*stored, audit.verify(app.uow())[0])


def test_an_invalid_phone_is_refused_naming_the_field_and_nothing_is_stored(
    app: App, shop: Policy
) -> None:
    before = _counts(app)
    bad = {**GOOD, "email": "other@example.vn", "phone": "0123 987 6543"}
    with pytest.raises(Invalid) as caught:
        subjects.register(app.uow(), shop, "member", [GOOD, bad], "test", AT)
    assert caught.value.field == "phone"
    assert str(caught.value).startswith("phone: ")
    assert "0123" not in str(caught.value)
    assert _counts(app) == before


def test_values_are_stored_and_indexed_in_their_canonical_form(app: App, shop: Policy) -> None:
    record = {**GOOD, "full_name": "  Trần Thị Ngọc ", "email": "Ngoc.Tran@Example.VN"}
    sid = subjects.register(app.uow(), shop, "member", [record], "test", AT)[0]
    got = subjects.read(app.uow(), shop, sid, ["full_name", "email", "phone"], "service", "t", AT)
    assert got == {
        "full_name": "Trần Thị Ngọc",
        "email": "Ngoc.Tran@example.vn",
        "phone": "+84974063482",
    }
    with app.uow() as uow:
        assert uow.subjects.find("shop", "email", "ngoc.tran@example.vn") == [sid]
