"""Updating a subject's values from the website: checked as at registration, one transaction
with its audit entry, and never interleaved with an erasure."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from baomat.bootstrap import App
from baomat.domain.errors import Conflict, Invalid, NotFound
from baomat.policy.model import Policy
from baomat.services import audit, rights, subjects
from baomat.store.uow import UnitOfWork
from tests.integration.shop import AT

AN = {"full_name": "Lê Văn An", "email": "an.le@example.vn", "phone": "0974 063 482"}


@pytest.fixture
def an(app: App, shop: Policy) -> str:
    return subjects.register(app.uow(), shop, "member", [AN], "test", AT)[0]


def _values(app: App, subject_id: str) -> dict[str, str]:
    with app.uow() as uow:
        return uow.subjects.values("shop", subject_id)


def test_an_update_sets_values_in_their_canonical_form_and_moves_the_blind_index(
    app: App, shop: Policy, an: str
) -> None:
    changed = subjects.update(
        app.uow(), shop, an, {"phone": "0912 345 678", "email": "An.Le@Example.VN"}, "web", AT
    )
    assert changed == ["email", "phone"]
    assert _values(app, an) == {
        "full_name": AN["full_name"], "email": "An.Le@example.vn", "phone": "+84912345678",
    }  # fmt: skip
    with app.uow() as uow:
        assert uow.subjects.find("shop", "phone", "+84912345678") == [an]
        assert uow.subjects.find("shop", "phone", "+84974063482") == []


def test_none_or_nothing_clears_an_optional_field_and_the_audit_names_fields_only(
    app: App, shop: Policy, an: str
) -> None:
    assert subjects.update(app.uow(), shop, an, {"phone": None}, "apikey:k1", AT) == ["phone"]
    assert "phone" not in _values(app, an)
    assert subjects.update(app.uow(), shop, an, {"phone": ""}, "apikey:k1", AT) == ["phone"]
    with app.uow() as uow:
        last = uow.audit.entries("shop", subject=an)[-1]
    assert (last["action"], last["actor"], last["fields"]) == (
        "subject.update",
        "apikey:k1",
        "phone",
    )
    # The number as given or as stored; a shorter piece of it turns up in the entry's hashes.
    assert not any(shown in str(last) for shown in ("0974 063 482", "974063482"))


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"email": None}, "email", "is required"),
        ({"full_name": "   "}, "full_name", "is required"),
        ({"fax": "024 3825 1234"}, "fax", "is not a field of subject type 'member'"),
        ({"phone": "0123 987 6543"}, "phone", ""),
        ({}, "values", "name at least one field"),
    ],
)
def test_a_bad_change_is_refused_naming_the_field_and_nothing_changes(
    app: App, shop: Policy, an: str, change: dict[str, str | None], field: str, rule: str
) -> None:
    before = (_values(app, an), audit.verify(app.uow())[0])
    with pytest.raises(Invalid) as caught:
        subjects.update(app.uow(), shop, an, change, "web", AT)
    assert caught.value.field == field and rule in caught.value.rule
    assert "0123" not in str(caught.value)
    assert (_values(app, an), audit.verify(app.uow())[0]) == before


def test_an_erased_or_unknown_subject_is_not_found_and_a_closed_account_a_conflict(
    app: App, shop: Policy, an: str
) -> None:
    with pytest.raises(NotFound):
        subjects.update(app.uow(), shop, "no-such-subject", {"phone": None}, "web", AT)
    [other] = subjects.register(
        app.uow(), shop, "member", [{**AN, "email": "b@example.vn"}], "test", AT
    )
    subjects.close_account(app.uow(), "shop", other, "web", AT)
    with pytest.raises(Conflict, match="the account is closed"):
        subjects.update(app.uow(), shop, other, {"phone": None}, "web", AT)
    subjects.erase(app.uow(), "shop", an, "subject_request", "web", AT)
    with pytest.raises(NotFound):
        subjects.update(app.uow(), shop, an, {"phone": None}, "web", AT)


class _MeetsBeforeWriting(UnitOfWork):
    """Waits at the barrier before its `nth` unit of work begins, so two use cases write at
    once: the deletion between reading the subject and writing, the update as it starts."""

    def __init__(self, app: App, barrier: threading.Barrier, nth: int) -> None:
        super().__init__(app.engine, app.keystore, app.index)
        self._barrier, self._nth, self._entries = barrier, nth, 0

    def __enter__(self) -> UnitOfWork:
        self._entries += 1
        if self._entries == self._nth:
            self._barrier.wait(timeout=30)
        return super().__enter__()


@pytest.mark.parametrize("round_", range(3))
def test_an_update_and_a_deletion_at_the_same_time_never_leave_half_of_each(
    app: App, shop: Policy, an: str, round_: int
) -> None:
    deletion = rights.submit(app.uow(), shop, an, "delete", "self_service", None, "subject", AT)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            if name == "update":
                uow = _MeetsBeforeWriting(app, barrier, 1)
                subjects.update(uow, shop, an, {"phone": "0912 345 678"}, "web", AT)
            else:
                rights.delete(_MeetsBeforeWriting(app, barrier, 2), shop, deletion.id, "dpo", AT)
            outcomes[name] = "ok"
        except Exception as exc:  # the test inspects it
            outcomes[name] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in ("update", "delete")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    won = [n for n, o in outcomes.items() if o == "ok"]
    lost = [o for o in outcomes.values() if o != "ok"]
    assert len(won) == 1 and len(lost) == 1, outcomes
    with app.engine.connect() as conn:
        query = text("SELECT count(*) FROM field_values WHERE subject_id = :s")
        count = conn.execute(query, {"s": an}).scalar_one()
    if won == ["delete"]:
        # The update waited for the erasure (Conflict) or began after it (NotFound).
        assert isinstance(lost[0], Conflict | NotFound), lost[0]
        assert count == 0 and app.keystore.get("shop", an) is None
    else:
        assert isinstance(lost[0], Conflict), lost[0]  # the subject changed under it
        assert _values(app, an)["phone"] == "+84912345678"
        assert rights.get(app.uow(), "shop", deletion.id).state.value == "received"
