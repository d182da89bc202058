"""A decision asked with an API key: checked, decided and audited in one grouped transaction."""

from __future__ import annotations

import threading

import pytest

from baomat.bootstrap import App
from baomat.domain.errors import Unauthenticated
from baomat.policy.model import Policy
from baomat.services import api_keys, decisions, subjects
from baomat.services.tenants import PolicyCache
from tests.integration.shop import AT
from tests.integration.tenancy import new_key, publish_shop

MEMBER = {"full_name": "Lê Văn Khách", "email": "khach@example.vn"}


def _member(app: App, shop: Policy) -> str:
    return subjects.register(app.uow(), shop, "member", [MEMBER], "test", AT)[0]


def _decisions(app: App) -> list[dict[str, object]]:
    with app.uow(read_only=True) as uow:
        return [e for e in uow.audit.entries("shop") if e["action"] == "decision"]


def test_a_decision_by_key_is_audited_with_the_key_as_actor(app: App, shop: Policy) -> None:
    member, key = _member(app, shop), new_key(app, "shop")

    decision = decisions.decide_for_key(
        app.uow(), PolicyCache(), key, member, "service", ["email"], None, AT
    ).result(10)

    assert (decision.allowed, decision.reason, decision.policy_version) == (True, "allowed", 1)
    [entry] = _decisions(app)
    assert entry["actor"] == api_keys.actor_of(key)
    assert (entry["subject"], entry["purpose"], entry["outcome"]) == (member, "service", "allow")


def test_a_decision_by_key_is_made_under_the_policy_published_just_before(
    app: App, shop: Policy
) -> None:
    member, key, policies = _member(app, shop), new_key(app, "shop"), PolicyCache()
    ask = ("service", ["email"], None, AT)
    assert decisions.decide_for_key(app.uow(), policies, key, member, *ask).result(10)

    publish_shop(app, "shop", version=2)

    decision = decisions.decide_for_key(app.uow(), policies, key, member, *ask).result(10)
    assert decision.policy_version == 2


def test_a_key_revoked_before_the_decision_is_refused_and_nothing_is_audited(
    app: App, shop: Policy
) -> None:
    member, key = _member(app, shop), new_key(app, "shop")
    api_keys.revoke(app.uow(), "shop", key.split("_")[1], "test", AT)

    for presented in (key, "bm_x", key[:-1]):
        future = decisions.decide_for_key(
            app.uow(), PolicyCache(), presented, member, "service", ["email"], None, AT
        )
        with pytest.raises(Unauthenticated, match="invalid API key"):
            future.result(10)

    assert _decisions(app) == []


def test_decisions_asked_at_once_are_each_answered_and_chained_in_order(
    app: App, shop: Policy
) -> None:
    member, key, policies = _member(app, shop), new_key(app, "shop"), PolicyCache()
    answers: list[bool] = []
    start = threading.Barrier(8)

    def ask(purpose: str) -> None:
        start.wait(10)
        future = decisions.decide_for_key(
            app.uow(), policies, key, member, purpose, ["email"], None, AT
        )
        answers.append(future.result(10).allowed)

    threads = [
        threading.Thread(target=ask, args=("service" if i % 2 else "marketing_email",))
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(answers) == [False] * 4 + [True] * 4
    assert [e["outcome"] for e in _decisions(app)].count("allow") == 4
    with app.uow(read_only=True) as uow:
        assert uow.audit.verify("shop") == (len(uow.audit.entries("shop")), None)


def test_a_decision_by_key_on_a_free_embedded_store_is_answered_before_the_call_returns(
    app: App, shop: Policy
) -> None:
    member, key = _member(app, shop), new_key(app, "shop")

    future = decisions.decide_for_key(
        app.uow(), PolicyCache(), key, member, "service", ["email"], None, AT
    )

    if app.settings.store_url().startswith("sqlite"):  # no other writer: run on this thread
        assert future.done()
    assert future.result(10).allowed
    assert [e["outcome"] for e in _decisions(app)] == ["allow"]
