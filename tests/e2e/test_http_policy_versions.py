"""Staff read the tenant's policy versions and what each changed, over HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from baomat import bootstrap
from baomat.domain.roles import Role
from baomat.policy.loader import parse_policy
from baomat.services import subjects, tenants
from tests.integration.logins import staff_token, subject_token
from tests.integration.shop import AT
from tests.integration.tenancy import http, new_key
from tests.integration.versions import next_version, purpose

pytestmark = pytest.mark.usefixtures("fast_passwords")

LATER = AT + dt.timedelta(days=3)


def _publish_v2(app: bootstrap.App) -> None:
    with app.uow(read_only=True) as uow:
        stored = uow.tenants.version("shop", 1)
    assert stored is not None
    shop = parse_policy(stored.document, "shop.yaml")

    def edit(data: dict[str, Any]) -> None:
        purpose(data, "marketing_email")["fields"].append("phone")

    v2, document = next_version(shop, edit)
    tenants.publish(app.uow(), v2, document, "staff:lan", LATER)


def test_the_dpo_lists_versions_and_reads_what_one_changed(app: bootstrap.App) -> None:
    _publish_v2(app)
    token = staff_token(app, "shop", "lan", Role.DPO)
    with http(app) as api:
        auth = {"Authorization": f"Bearer {token}"}
        listed = api.get("/v1/policy/versions", headers=auth)
        changes = api.get("/v1/policy/versions/2/changes", headers=auth)
        first = api.get("/v1/policy/versions/1/changes", headers=auth)
        missing = api.get("/v1/policy/versions/9/changes", headers=auth)

    assert listed.status_code == 200, listed.text
    versions = listed.json()["versions"]
    assert [v["version"] for v in versions] == [2, 1]
    newest = versions[0]
    assert newest["last_updated"] == "2026-02-16"
    assert (newest["previous_version"], newest["notice_mode"], newest["material"]) == (
        1, "email_on_material_change", True,
    )  # fmt: skip
    assert newest["notices"]["state"] == "done"
    assert newest["published_by"] == "staff:lan"

    body = changes.json()
    [change] = body["changed"]
    assert change["code"] == "purpose_fields_added"
    assert change["material"] is True
    assert change["purposes"] == ["marketing_email"]
    assert "phone" in change["text"]["en"] and "phone" in change["text"]["vi"]
    assert first.json()["changed"] == []
    assert missing.status_code == 404


def test_the_auditor_reads_versions_and_support_a_subject_or_a_key_may_not(
    app: bootstrap.App,
) -> None:
    _publish_v2(app)
    auditor = staff_token(app, "shop", "an", Role.AUDITOR)
    support = staff_token(app, "shop", "binh", Role.SUPPORT)
    with app.uow(read_only=True) as uow:
        stored = uow.tenants.version("shop", 2)
    assert stored is not None
    shop = parse_policy(stored.document, "shop.yaml")
    [member] = subjects.register(
        app.uow(), shop, "member", [{"full_name": "Khách", "email": "k@example.vn"}], "t", AT
    )
    subject = subject_token(app, "shop", member)
    key = new_key(app, "shop")
    with http(app) as api:

        def status(token: str) -> int:
            headers = {"Authorization": f"Bearer {token}"}
            return api.get("/v1/policy/versions", headers=headers).status_code

        assert status(auditor) == 200
        assert status(support) == 403
        assert status(subject) == 403
        assert status(key) == 401
