"""One account per email: a `unique` field's value is held by one live subject of a type.

On Wesale's policy (the seller's and the buyer's email are unique) and
ecomviet's (its customers' email is not), on SQLite and PostgreSQL, two
writers at once included.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text

from baomat.bootstrap import App
from baomat.config import Settings
from baomat.domain.errors import Duplicate, Invalid
from baomat.policy.model import Policy
from baomat.services import audit, rights, subjects
from baomat.store.subjects import LOCK_EACH_UP_TO
from baomat.store.uow import UnitOfWork
from tests.integration.shop import AT
from tests.integration.tenancy import example_policy, examples_app

BUYER = {"full_name": "Lê Thị Hồng", "phone": "0912 345 678", "email": "hong.le@example.vn"}
SECOND = {"full_name": "Lê Hồng", "phone": "0987 654 321", "email": "Hong.Le@Example.VN"}
OTHER = {"full_name": "Trần Văn Nam", "phone": "0903 111 222", "email": "nam.tran@example.vn"}


def _policy(name: str) -> Policy:
    return example_policy(name)


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    with examples_app(settings, ("wesale", "ecomviet"), AT) as built:
        yield built


@pytest.fixture
def wesale() -> Policy:
    return _policy("wesale")


def _register(app: App, policy: Policy, kind: str, *records: dict[str, str]) -> list[str]:
    return subjects.register(app.uow(), policy, kind, list(records), "test", AT)


def _count(app: App, tenant: str) -> int:
    with app.engine.connect() as conn:
        query = text("SELECT count(*) FROM subjects WHERE tenant_id = :t AND status != 'erased'")
        return int(conn.execute(query, {"t": tenant}).scalar_one())


def test_a_second_registration_with_the_same_email_is_a_conflict_naming_the_field(
    app: App, wesale: Policy
) -> None:
    _register(app, wesale, "buyer", BUYER)
    before = (_count(app, "wesale"), audit.verify(app.uow())[0])
    with pytest.raises(Duplicate) as caught:
        _register(app, wesale, "buyer", SECOND)  # the same address, capitalised otherwise
    assert caught.value.field == "email"
    assert "another subject of type 'buyer' already holds this value" in caught.value.rule
    assert "hong" not in str(caught.value).lower()
    assert (_count(app, "wesale"), audit.verify(app.uow())[0]) == before


def test_the_same_email_may_be_a_seller_and_a_buyer(app: App, wesale: Policy) -> None:
    _register(app, wesale, "buyer", BUYER)
    seller = {
        **BUYER,
        "address": "18 Kim Mã, Hà Nội",
        "tax_code": "0110375724",
        "id_issue_date": "2015-06-01",
        "id_issue_place": "Cục Cảnh sát QLHC về TTXH",
    }
    assert len(_register(app, wesale, "seller", seller)) == 1


def test_two_records_of_one_batch_with_the_same_email_store_neither(
    app: App, wesale: Policy
) -> None:
    with pytest.raises(Duplicate, match="email: two records give the same value"):
        _register(app, wesale, "buyer", BUYER, OTHER, SECOND)
    assert _count(app, "wesale") == 0


def test_an_erased_subjects_email_is_free_again_and_a_closed_ones_is_not(
    app: App, wesale: Policy
) -> None:
    [first] = _register(app, wesale, "buyer", BUYER)
    [other] = _register(app, wesale, "buyer", OTHER)
    subjects.close_account(app.uow(), "wesale", other, "test", AT)
    with pytest.raises(Duplicate):
        _register(app, wesale, "buyer", {**SECOND, "email": OTHER["email"]})
    subjects.erase(app.uow(), "wesale", first, "subject_request", "test", AT)
    assert len(_register(app, wesale, "buyer", SECOND)) == 1


def test_where_the_policy_makes_no_field_unique_the_same_email_registers_twice(app: App) -> None:
    ecomviet = _policy("ecomviet")
    customer = {**BUYER, "request_details": "Tư vấn chữ ký số"}
    assert len(_register(app, ecomviet, "customer", customer, customer)) == 2


def test_an_update_or_a_correction_to_another_subjects_email_is_a_conflict(
    app: App, wesale: Policy
) -> None:
    [hong, nam] = _register(app, wesale, "buyer", BUYER, OTHER)
    with pytest.raises(Duplicate) as caught:
        subjects.update(app.uow(), wesale, nam, {"email": "HONG.LE@example.vn"}, "web", AT)
    assert caught.value.field == "email"
    # Its own email, rewritten, is no duplicate.
    assert subjects.update(app.uow(), wesale, hong, {"email": BUYER["email"]}, "web", AT) == [
        "email"
    ]
    request = rights.submit(
        app.uow(), wesale, nam, "correct", "assisted", None, "support.lan", AT,
        identity_method="document_checked",
    )  # fmt: skip
    with pytest.raises(Duplicate):
        rights.correct(app.uow(), wesale, request.id, {"email": BUYER["email"]}, "support", AT)
    with app.uow() as uow:
        assert uow.subjects.values("wesale", nam, ["email"]) == {"email": OTHER["email"]}
    with pytest.raises(Duplicate):
        rights.file_own(
            app.uow(), wesale, nam, "correct", None, {"email": BUYER["email"]}, "subject", AT
        )
    assert rights.get(app.uow(), "wesale", request.id).state.value == "received"


def test_a_bad_value_is_refused_before_uniqueness_is_looked_at(app: App, wesale: Policy) -> None:
    with pytest.raises(Invalid) as caught:
        _register(app, wesale, "buyer", {**BUYER, "email": "not an address"})
    assert caught.value.field == "email"


# --- two writers at once ---------------------------------------------------------------------


class _PausesAfterLooking(UnitOfWork):
    """Waits, once it has looked for another holder of a value, for the other writer to have
    looked too (or 2 s): without the value's lock both would find none and both store."""

    def __init__(self, app: App, barrier: threading.Barrier) -> None:
        super().__init__(app.engine, app.keystore, app.index)
        self._barrier = barrier

    def __enter__(self) -> UnitOfWork:
        super().__enter__()
        looked = self.subjects.taken

        def taken(*args: Any, **kwargs: Any) -> set[str]:
            found = looked(*args, **kwargs)
            with contextlib.suppress(threading.BrokenBarrierError):
                self._barrier.wait(timeout=2)
            return found

        self.subjects.taken = taken  # type: ignore[method-assign]
        return self


def _race(app: App, work: Callable[[UnitOfWork, str], object]) -> dict[str, object]:
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            outcomes[name] = work(_PausesAfterLooking(app, barrier), name)
        except Exception as exc:  # the test inspects it
            outcomes[name] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("round_", range(2))
def test_two_registrations_of_one_email_at_once_store_one(
    app: App, wesale: Policy, round_: int
) -> None:
    forms = {"a": BUYER, "b": SECOND}
    outcomes = _race(
        app, lambda uow, n: subjects.register(uow, wesale, "buyer", [forms[n]], "web", AT)
    )
    lost = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(outcomes) == 2 and len(lost) == 1, outcomes
    assert isinstance(lost[0], Duplicate), lost[0]
    assert _count(app, "wesale") == 1


def test_two_updates_to_one_email_at_once_leave_one_holder(app: App, wesale: Policy) -> None:
    ids = dict(zip("ab", _register(app, wesale, "buyer", BUYER, OTHER), strict=True))
    new = "chung@example.vn"
    outcomes = _race(
        app, lambda uow, n: subjects.update(uow, wesale, ids[n], {"email": new}, "web", AT)
    )
    lost = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(lost) == 1 and isinstance(lost[0], Duplicate), outcomes
    with app.uow() as uow:
        holders = uow.subjects.taken("wesale", "buyer", "email", [new])
        found = uow.subjects.find("wesale", "email", new)
    assert holders == {new} and len(found) == 1


def test_a_large_batch_and_a_registration_of_one_of_its_emails_at_once_store_it_once(
    app: App, wesale: Policy
) -> None:
    """A batch past LOCK_EACH_UP_TO locks the field whole rather than value by value."""
    batch = [
        {"full_name": f"Khách {n}", "phone": f"0912 000 {n:03d}", "email": f"k{n}@example.vn"}
        for n in range(LOCK_EACH_UP_TO + 6)
    ]
    forms = {"a": batch, "b": [{**BUYER, "email": "K7@Example.vn"}]}
    outcomes = _race(
        app, lambda uow, n: subjects.register(uow, wesale, "buyer", forms[n], "web", AT)
    )
    lost = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(lost) == 1 and isinstance(lost[0], Duplicate), outcomes
    assert _count(app, "wesale") in (1, len(batch))
