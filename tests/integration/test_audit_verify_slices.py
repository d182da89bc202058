"""Long chains are verified in slices on several processes; breaks are still named exactly."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from baomat.bootstrap import App
from baomat.domain.audit import Break
from baomat.policy.model import Policy
from baomat.services import subjects
from baomat.store.audit_verify import _slices, verify_all
from tests.integration.shop import AT

ENTRIES = 2 + 12  # tenant.create, policy.publish, twelve subject.create


def _fill(app: App, shop: Policy) -> None:
    records = [{"full_name": "Phạm Thu Hà", "email": f"s{i}@example.vn"} for i in range(12)]
    subjects.register(app.uow(), shop, "member", records, "test", AT)


def _verify(app: App) -> tuple[int, Break | None]:
    with app.uow() as uow:
        return verify_all(uow.conn, workers=3, slice_min=4)


def _sql(app: App, *statements: str) -> None:
    with app.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def test_a_chain_is_cut_into_even_slices_that_cover_it() -> None:
    assert _slices(14, 3, 4) == [(1, 5), (6, 10), (11, 14)]
    assert _slices(14, 3, 100) == [(1, 14)]
    assert _slices(0, 2, 4) == [(1, 0)]


def test_a_sound_chain_verifies_in_slices(app: App, shop: Policy) -> None:
    _fill(app, shop)
    assert _verify(app) == (ENTRIES, None)


@pytest.mark.parametrize("seq", [2, 6, 11, 14])
def test_an_edited_entry_is_named_in_whichever_slice_it_falls(
    app: App, shop: Policy, seq: int
) -> None:
    _fill(app, shop)
    _sql(app, f"UPDATE audit_entries SET outcome = 'denied' WHERE seq = {seq}")
    _, broken = _verify(app)
    assert broken is not None
    assert (broken.seq, broken.reason) == (seq, "was edited: its hash does not match its contents")


def test_an_entry_deleted_at_a_slice_boundary_is_named(app: App, shop: Policy) -> None:
    _fill(app, shop)
    _sql(app, "DELETE FROM audit_entries WHERE seq = 5")
    _, broken = _verify(app)
    assert broken is not None
    assert broken.seq == 5
    assert "missing" in broken.reason


def test_entries_swapped_across_a_slice_boundary_are_named(app: App, shop: Policy) -> None:
    _fill(app, shop)
    _sql(
        app,
        "UPDATE audit_entries SET seq = 100 WHERE seq = 5",
        "UPDATE audit_entries SET seq = 5 WHERE seq = 6",
        "UPDATE audit_entries SET seq = 6 WHERE seq = 100",
    )
    _, broken = _verify(app)
    assert broken is not None
    assert broken.seq == 5
    assert "does not follow" in broken.reason


def test_a_deleted_tail_is_noticed_in_slices(app: App, shop: Policy) -> None:
    _fill(app, shop)
    _sql(app, "DELETE FROM audit_entries WHERE seq = 14")
    _, broken = _verify(app)
    assert broken is not None
    assert "ends at entry 13 but its head says 14" in broken.reason
