"""Publishing a policy version: checked in full, its changes stored with it, subjects told once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from baomat import bootstrap
from baomat.domain.consent import ConsentRequest, shown_text_sha256
from baomat.domain.errors import Conflict, Invalid
from baomat.policy.errors import PolicyError
from baomat.policy.model import Policy
from baomat.policy.render import render
from baomat.services import consents, decisions, policy_changes, subjects, tenants
from baomat.services.tenants import PolicyCache
from baomat.store.policy_changes import Addressee
from tests.integration.shop import AT
from tests.integration.versions import next_version, purpose

LATER = dt.datetime(2026, 3, 14, 20, 0, tzinfo=dt.UTC)  # 15 March, 03:00 in Vietnam


def _members(app: bootstrap.App, shop: Policy, n: int) -> list[str]:
    people = [{"full_name": f"Khách {i}", "email": f"khach{i}@example.vn"} for i in range(n)]
    return subjects.register(app.uow(), shop, "member", people, "test", AT)


def _consent(app: bootstrap.App, shop: Policy, member: str, language: str = "vi") -> None:
    text = shop.purposes[1].text.in_(language)
    request = ConsentRequest(
        member, "marketing_email", shop.version, shown_text_sha256(text), language, "web", True
    )
    consents.give(app.uow(), shop, request, "test", AT)


def _snapshot(app: bootstrap.App) -> tuple[Any, ...]:
    """Everything publishing may write: versions, changes, messages, the audit trail."""
    with app.uow(read_only=True) as uow:
        tenant = uow.tenants.get("shop")
        return (
            tenant,
            [r.version for r in uow.policy_changes.of_tenant("shop")],
            uow.outbox.counts("shop"),
            len(uow.audit.entries("shop")),
        )


def _add_phone_to_marketing(data: dict[str, Any]) -> None:
    purpose(data, "marketing_email")["fields"].append("phone")


# --- what is refused publishes nothing ---------------------------------------


def test_a_version_that_fails_validation_publishes_nothing(
    app: bootstrap.App, shop: Policy
) -> None:
    [member] = _members(app, shop, 1)
    _consent(app, shop, member)
    before = _snapshot(app)
    data = shop.model_dump(mode="json", exclude_none=True)
    data["version"] = 2
    purpose(data, "marketing_email")["fields"].append("fax")  # no field 'fax' is declared
    data["purposes"].append({"id": "extra", "text": {"vi": "Khác", "en": "Other"},
                             "legal_basis": "consent", "consent": "not_needed",
                             "fields": ["email"]})  # fmt: skip
    document = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    model = shop.model_copy(update={"version": 2})  # a model that skipped the file's checks

    with pytest.raises(PolicyError) as refused:
        tenants.publish(app.uow(), model, document, "test", LATER)

    rules = [p.rule for p in refused.value.problems]
    assert any("'fax'" in r for r in rules)
    assert any("consent" in r for r in rules)
    assert all(p.line is not None for p in refused.value.problems)
    assert _snapshot(app) == before
    assert PolicyCache().current(app.uow(), "shop").version == 1


def test_a_document_that_is_not_the_policy_given_publishes_nothing(
    app: bootstrap.App, shop: Policy
) -> None:
    before = _snapshot(app)
    _, document = next_version(shop, _add_phone_to_marketing)
    other = shop.model_copy(update={"version": 2})
    with pytest.raises(Invalid, match="document"):
        tenants.publish(app.uow(), other, document, "test", LATER)
    assert _snapshot(app) == before


def test_the_same_version_again_is_unchanged_and_other_content_under_it_conflicts(
    app: bootstrap.App, shop: Policy
) -> None:
    v2, document = next_version(shop, _add_phone_to_marketing)
    assert tenants.publish(app.uow(), v2, document, "test", LATER).outcome == "published"
    assert tenants.publish(app.uow(), v2, document, "test", LATER).outcome == "unchanged"
    other, other_document = next_version(shop, lambda d: d["purposes"].pop(1))
    with pytest.raises(Conflict, match="other content"):
        tenants.publish(app.uow(), other, other_document, "test", LATER)


# --- last updated, the stored diff -------------------------------------------


def test_last_updated_is_the_day_each_version_is_published_in_vietnam(
    app: bootstrap.App, shop: Policy
) -> None:
    v2, document = next_version(shop, _add_phone_to_marketing)
    assert v2.last_updated == dt.date(2026, 1, 1)  # what the file says

    published = tenants.publish(app.uow(), v2, document, "test", LATER)

    assert published.last_updated == dt.date(2026, 3, 15)
    current = PolicyCache().current(app.uow(), "shop")
    assert current.last_updated == dt.date(2026, 3, 15)
    assert "15/03/2026 (" in render(current, "vi")
    versions = policy_changes.versions(app.uow(), "shop")
    assert [(r.version, r.last_updated) for r in versions] == [
        (2, dt.date(2026, 3, 15)),
        (1, dt.date(2026, 2, 13)),
    ]


def test_the_classified_changes_are_stored_with_the_version_and_audited(
    app: bootstrap.App, shop: Policy
) -> None:
    v2, document = next_version(shop, _add_phone_to_marketing)
    tenants.publish(app.uow(), v2, document, "staff:lan", LATER)

    record = policy_changes.version(app.uow(), "shop", 2)
    assert (record.previous_version, record.notice_mode, record.material) == (
        1, "email_on_material_change", True,
    )  # fmt: skip
    [change] = record.changes
    assert change["code"] == "purpose_fields_added"
    assert (
        change["text"]["vi"]
        == "Mục đích 'marketing_email' (Gửi thư quảng cáo) nay dùng thêm dữ liệu: phone."
    )
    with app.uow(read_only=True) as uow:
        [entry] = [e for e in uow.audit.entries("shop") if e["action"] == "policy.publish"][-1:]
    assert '"material":"purpose_fields_added"' in entry["detail"]
    assert '"previous_version":1' in entry["detail"]
    assert entry["actor"] == "staff:lan"


# --- who is told --------------------------------------------------------------


def test_a_change_to_an_opt_in_purpose_is_emailed_only_to_those_who_consented(
    app: bootstrap.App, shop: Policy
) -> None:
    consenter, other = _members(app, shop, 2)
    _consent(app, shop, consenter, "en")
    v2, document = next_version(shop, _add_phone_to_marketing)

    [run] = tenants.publish(app.uow(), v2, document, "test", LATER).notices

    assert (run.subjects, run.queued) == (2, 1)
    with app.uow(read_only=True) as uow:
        [message] = uow.outbox.of_subject("shop", consenter)
        assert uow.outbox.of_subject("shop", other) == []
    # in the language the subject consented in
    assert (message["template"], message["language"]) == ("policy_changed", "en")


def test_a_removed_purpose_closes_its_consents_and_tells_those_subjects(
    app: bootstrap.App, shop: Policy
) -> None:
    consenter, other = _members(app, shop, 2)
    _consent(app, shop, consenter, "en")
    v2, document = next_version(shop, lambda d: d["purposes"].pop(1))

    published = tenants.publish(app.uow(), v2, document, "staff:lan", LATER)

    assert [(c.code, c.material) for c in published.changes] == [("purpose_removed", False)]
    assert published.notices[0].closed == 1
    with app.uow(read_only=True) as uow:
        [closed] = uow.consents.for_subject("shop", consenter)
        [message] = uow.outbox.of_subject("shop", consenter)
        assert uow.outbox.of_subject("shop", other) == []
        withdrawals = [e for e in uow.audit.entries("shop") if e["action"] == "consent.withdraw"]
    assert closed.withdrawn_at == LATER
    assert (message["template"], message["language"]) == ("purpose_removed", "en")
    [withdrawal] = withdrawals
    assert '"reason":"purpose_removed"' in withdrawal["detail"]
    assert withdrawal["subject"] == consenter
    refused = decisions.decide(
        app.uow(), v2, consenter, "marketing_email", ["email"], None, "crm", LATER
    )
    assert refused.reason == "unknown_purpose"


def test_notices_stopped_midway_resume_where_they_stopped_and_write_nothing_twice(
    app: bootstrap.App, shop: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = _members(app, shop, 7)
    v2, document = next_version(shop, lambda d: d["complaints"].update(channels=[]) or
                                d["subject_access"].update(mode="assisted"))  # fmt: skip
    monkeypatch.setattr(policy_changes, "BATCH", 3)
    told: list[str] = []
    real = policy_changes._Writer.tell

    def crashing(writer: Any, subject: Addressee) -> None:
        if len(told) == 4:
            raise RuntimeError("the process died")
        told.append(subject.id)
        real(writer, subject)

    monkeypatch.setattr(policy_changes._Writer, "tell", crashing)
    with pytest.raises(RuntimeError):
        tenants.publish(app.uow(), v2, document, "test", LATER)

    # The version is published; its first batch's notices committed with the cursor.
    assert PolicyCache().current(app.uow(), "shop").version == 2
    row = policy_changes.version(app.uow(), "shop", 2)
    assert (row.notices, row.notices_queued) == ("pending", 3)
    [late] = _members(app, v2, 1)  # joins under version 2: saw the new policy already

    monkeypatch.setattr(policy_changes._Writer, "tell", real)
    [run] = policy_changes.tell(app.uow(), "shop", LATER)

    assert (run.queued, run.done) == (4, True)
    with app.uow(read_only=True) as uow:
        per_member = {m: len(uow.outbox.of_subject("shop", m)) for m in members}
        assert uow.outbox.of_subject("shop", late) == []
    assert per_member == dict.fromkeys(members, 1)
    row = policy_changes.version(app.uow(), "shop", 2)
    assert (row.notices, row.notices_queued) == ("done", 7)
    assert policy_changes.tell_everyone(app.uow(), LATER) == []
