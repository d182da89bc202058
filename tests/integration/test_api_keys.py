"""Per-tenant API keys: shown once, stored as a hash, revocable, and the only way in."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from baomat import bootstrap
from baomat.domain.errors import Conflict, Invalid, NotFound, Unauthenticated
from baomat.services import api_keys
from baomat.store.tables import api_keys as api_keys_table
from baomat.store.tables import audit_entries
from tests.integration.shop import AT
from tests.integration.tenancy import http, new_key, publish_shop

KEY = re.compile(r"bm_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


@pytest.fixture
def two_tenants(app: bootstrap.App) -> bootstrap.App:
    """The shop (its policy now stored as YAML, version 2) and another tenant, `other`."""
    publish_shop(app, "shop", version=2)
    publish_shop(app, "other")
    return app


def test_a_new_key_is_shown_once_and_only_the_hash_of_its_secret_is_stored(
    app: bootstrap.App,
) -> None:
    key = api_keys.create(app.uow(), "shop", "shop backend", "test", AT)

    match = KEY.fullmatch(key)
    assert match is not None
    key_id, secret = match.groups()
    with app.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(select(api_keys_table))]
        audit = [tuple(r) for r in conn.execute(select(audit_entries))]
    assert len(rows) == 1
    assert not any(secret in str(value) for row in rows + audit for value in row)
    assert hashlib.sha256(secret.encode()).hexdigest() in rows[0]
    [listed] = api_keys.list_keys(app.uow(), "shop")
    assert (listed.id, listed.label, listed.revoked_at) == (key_id, "shop backend", None)
    assert secret not in repr(listed)


def test_a_key_authenticates_as_its_own_tenant(two_tenants: bootstrap.App) -> None:
    shop_key, other_key = new_key(two_tenants, "shop"), new_key(two_tenants, "other")

    assert api_keys.authenticate(two_tenants.uow(), shop_key) == "shop"
    assert api_keys.authenticate(two_tenants.uow(), other_key) == "other"
    assert api_keys.actor_of(shop_key) == "apikey:" + shop_key.split("_")[1]


def test_create_and_revoke_each_write_an_audit_entry(app: bootstrap.App) -> None:
    key_id = new_key(app, "shop").split("_")[1]
    api_keys.revoke(app.uow(), "shop", key_id, "cli:dpo", AT)

    with app.uow() as uow:
        entries = [e for e in uow.audit.entries("shop") if e["action"].startswith("apikey.")]
        assert uow.audit.verify("shop")[1] is None
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("apikey.create", "test"),
        ("apikey.revoke", "cli:dpo"),
    ]
    assert all(key_id in str(e["detail"]) for e in entries)


def test_a_revoked_key_is_refused_and_cannot_be_revoked_again(app: bootstrap.App) -> None:
    key = new_key(app, "shop")
    key_id = key.split("_")[1]
    api_keys.revoke(app.uow(), "shop", key_id, "test", AT)

    with pytest.raises(Unauthenticated):
        api_keys.authenticate(app.uow(), key)
    with pytest.raises(Conflict):
        api_keys.revoke(app.uow(), "shop", key_id, "test", AT)
    [listed] = api_keys.list_keys(app.uow(), "shop")
    assert listed.revoked_at is not None


def test_a_tenant_cannot_revoke_or_list_another_tenants_keys(two_tenants: bootstrap.App) -> None:
    key = new_key(two_tenants, "other")

    with pytest.raises(NotFound):
        api_keys.revoke(two_tenants.uow(), "shop", key.split("_")[1], "test", AT)
    assert api_keys.list_keys(two_tenants.uow(), "shop") == []
    assert api_keys.authenticate(two_tenants.uow(), key) == "other"


def test_a_key_needs_a_known_tenant_and_a_short_label(app: bootstrap.App) -> None:
    with pytest.raises(NotFound):
        api_keys.create(app.uow(), "nobody", "label", "test", AT)
    with pytest.raises(Invalid) as blank:
        api_keys.create(app.uow(), "shop", "  ", "test", AT)
    with pytest.raises(Invalid) as long:
        api_keys.create(app.uow(), "shop", "x" * 129, "test", AT)
    assert (blank.value.field, long.value.field) == ("label", "label")
    assert api_keys.list_keys(app.uow(), "shop") == []


def _malformed_unknown_wrong_and_revoked(app: bootstrap.App) -> list[str]:
    revoked = new_key(app, "shop")
    api_keys.revoke(app.uow(), "shop", revoked.split("_")[1], "test", AT)
    good = new_key(app, "shop")
    key_id, secret = good.split("_", 2)[1:]
    wrong_secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    return [
        "Bearer bm_x",
        "Bearer " + good + "x",
        "Bearer " + good.upper(),
        f"Bearer bm_{'0' * 16}_{secret}",
        f"Bearer bm_{key_id}_{wrong_secret}",
        "Bearer " + revoked,
    ]


def test_malformed_unknown_wrong_and_revoked_keys_all_get_the_same_401(
    two_tenants: bootstrap.App,
) -> None:
    answers = []
    with http(two_tenants) as client:
        for header in _malformed_unknown_wrong_and_revoked(two_tenants):
            response = client.get("/v1/subjects/abc?purpose=service&fields=email", headers={
                "Authorization": header
            })  # fmt: skip
            answers.append((response.status_code, response.json()))
        missing = client.get("/v1/subjects/abc?purpose=service&fields=email")
        basic = client.get("/v1/subjects/abc", headers={"Authorization": "Basic dTpw"})
    assert len(answers) == 6
    assert all(a == answers[0] for a in answers)
    assert answers[0][0] == 401
    assert answers[0][1]["error"]["code"] == "unauthenticated"
    for response in (missing, basic):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_decision_asked_with_a_bad_key_gets_the_same_401_and_is_not_audited(
    two_tenants: bootstrap.App,
) -> None:
    ask = {"subject_id": "abc", "purpose": "service", "fields": ["email"]}
    with two_tenants.uow(read_only=True) as uow:
        before = len(uow.audit.entries("shop"))
    with http(two_tenants) as client:
        answers = [
            client.post("/v1/decisions", json=ask, headers={"Authorization": header})
            for header in _malformed_unknown_wrong_and_revoked(two_tenants)
        ]
        missing = client.post("/v1/decisions", json={"not": "a question"})

    assert {(a.status_code, a.text) for a in answers} == {(401, answers[0].text)}
    assert answers[0].json()["error"]["code"] == "unauthenticated"
    assert missing.status_code == 401
    with two_tenants.uow(read_only=True) as uow:
        # Creating and revoking the keys above wrote three entries; no decision did.
        assert len(uow.audit.entries("shop")) == before + 3


def test_a_tenants_key_cannot_see_another_tenants_subject(two_tenants: bootstrap.App) -> None:
    with http(two_tenants, new_key(two_tenants, "other")) as other:
        created = other.post(
            "/v1/subjects",
            json={"subject_type": "member", "values": {"full_name": "Trần Thị Bình",
                                                       "email": "binh@example.vn"}},
        )  # fmt: skip
        assert created.status_code == 201
    subject_id = created.json()["id"]

    with http(two_tenants, new_key(two_tenants, "shop")) as shop:
        read = shop.get(
            f"/v1/subjects/{subject_id}", params={"purpose": "service", "fields": "email"}
        )
        erased = shop.delete(f"/v1/subjects/{subject_id}")

    for response in (read, erased):
        assert response.status_code == 404
        assert "binh" not in response.text
        assert "Bình" not in response.text
    with http(two_tenants, new_key(two_tenants, "other")) as other:
        still = other.get(
            f"/v1/subjects/{subject_id}", params={"purpose": "service", "fields": "email"}
        )
    assert still.json()["values"] == {"email": "binh@example.vn"}
