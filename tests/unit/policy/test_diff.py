"""What changed between two policy versions, each change classified material or not."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from baomat.policy.change import MATERIAL, NOT_MATERIAL, Change, Scope, texts
from baomat.policy.diff import consent_from, diff, summary, touching
from baomat.policy.loader import load_policy
from baomat.policy.model import Policy

ROOT = Path(__file__).resolve().parents[3]
BASE: dict[str, Any] = yaml.safe_load((ROOT / "tests" / "data" / "valid_minimal.yaml").read_text())
EXAMPLES = sorted((ROOT / "examples" / "policies").glob("*.yaml"))

Edit = Callable[[dict[str, Any]], None]


def _policy(edit: Edit | None = None, version: int = 1) -> Policy:
    doc = copy.deepcopy(BASE)
    doc["version"] = version
    if edit is not None:
        edit(doc)
    return Policy.model_validate(doc)


def _changes(edit: Edit) -> list[Change]:
    return diff(_policy(), _policy(edit, version=2))


def _codes(edit: Edit) -> list[tuple[str, bool]]:
    return [(c.code, c.material) for c in _changes(edit)]


def _one(edit: Edit) -> Change:
    [change] = _changes(edit)
    return change


def _purpose(doc: dict[str, Any], purpose_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in doc["purposes"] if p["id"] == purpose_id)
    return found


def _field(doc: dict[str, Any], field_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        f for t in doc["subject_types"] for f in t["fields"] if f["id"] == field_id
    )
    return found


PHONE = {
    "id": "phone",
    "label": {"vi": "Điện thoại", "en": "Phone"},
    "type": "phone",
    "category": "contact",
    "sensitivity": "basic",
}
LOCATION = {
    "id": "location",
    "label": {"vi": "Vị trí", "en": "Location"},
    "type": "text",
    "category": "location",
    "sensitivity": "sensitive",
}
LOYALTY = {
    "id": "loyalty",
    "text": {"vi": "Chương trình khách hàng thân thiết", "en": "Loyalty programme"},
    "legal_basis": "consent",
    "consent": "opt_in",
    "fields": ["full_name", "email"],
}
ANALYTICS = {
    "id": "analytics",
    "name": {"vi": "Công ty Phân tích", "en": "Analytics Co."},
    "kind": "processor",
    "contract": {"reference": "HD-2026-02", "valid_from": "2026-01-01"},
    "fields": ["email"],
    "purposes": ["marketing_email"],
}


# --- nothing changed ---------------------------------------------------------


def test_a_policy_compared_with_itself_changes_nothing() -> None:
    assert diff(_policy(), _policy()) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_compared_with_itself_changes_nothing(path: Path) -> None:
    policy = load_policy(path)
    assert diff(policy, policy) == []


def test_the_version_number_and_the_files_own_date_are_not_changes() -> None:
    def bump(doc: dict[str, Any]) -> None:
        doc["last_updated"] = "2026-03-01"

    assert _changes(bump) == []


# --- purposes ----------------------------------------------------------------


def test_a_new_purpose_is_material_and_touches_everyone_it_may_apply_to() -> None:
    added = _one(lambda d: d["purposes"].append(LOYALTY))
    assert (added.code, added.material, added.path) == ("purpose_added", True, "purposes.loyalty")
    assert added.purposes == {"loyalty"}
    # opt-in, yet no one has consented to a new purpose: everyone should hear of it
    assert added.touches("customer", consented=())
    assert "Loyalty programme" in added.text("en")
    assert "Chương trình khách hàng thân thiết" in added.text("vi")


def test_a_removed_purpose_is_its_own_kind_and_not_material() -> None:
    removed = _one(lambda d: d["purposes"].pop(1))
    assert (removed.code, removed.material) == ("purpose_removed", False)
    assert removed.params["purpose"] == "marketing_email"


def test_fields_added_to_an_opt_in_purpose_touch_only_those_who_consented() -> None:
    change = _one(lambda d: _purpose(d, "marketing_email")["fields"].append("full_name"))
    assert (change.code, change.material) == ("purpose_fields_added", True)
    assert change.purposes == {"marketing_email"}
    assert change.touches("customer", {"marketing_email"})
    assert not change.touches("customer", ())
    assert "full_name" in change.text("en")


def test_fields_added_to_a_purpose_needing_no_consent_touch_every_subject() -> None:
    def more(doc: dict[str, Any]) -> None:
        _purpose(doc, "deliver_orders")["fields"] = ["full_name"]

    assert _codes(more) == [("purpose_fields_removed", False)]
    change = diff(_policy(more), _policy(version=2))[0]
    assert (change.code, change.material) == ("purpose_fields_added", True)
    assert change.touches("customer", ())


def test_a_changed_legal_basis_is_material() -> None:
    def basis(doc: dict[str, Any]) -> None:
        _purpose(doc, "deliver_orders")["legal_basis"] = "legal_obligation"

    change = _one(basis)
    assert (change.code, change.material) == ("purpose_legal_basis_changed", True)
    assert "from our contract with you to a legal obligation" in change.text("en")


def test_consent_no_longer_asked_is_material_and_asked_anew_is_not() -> None:
    def weaker(doc: dict[str, Any]) -> None:
        _purpose(doc, "marketing_email").update(legal_basis="contract", consent="not_needed")

    assert ("purpose_consent_weakened", True) in _codes(weaker)
    weakened = next(c for c in _changes(weaker) if c.code == "purpose_consent_weakened")
    assert weakened.touches("customer", ())  # now used for everyone, consent or not

    def stronger(doc: dict[str, Any]) -> None:
        _purpose(doc, "deliver_orders")["consent"] = "opt_in"

    assert _codes(stronger) == [("purpose_consent_strengthened", False)]


def test_a_purpose_for_more_subject_types_or_channels_is_material_and_fewer_is_not() -> None:
    def narrow(doc: dict[str, Any]) -> None:
        _purpose(doc, "deliver_orders")["subject_types"] = ["customer"]

    assert _codes(narrow) == [("purpose_subject_types_narrowed", False)]
    widened = diff(_policy(narrow), _policy(version=2))
    assert [(c.code, c.material) for c in widened] == [("purpose_subject_types_widened", True)]

    def sms(doc: dict[str, Any]) -> None:
        _purpose(doc, "marketing_email")["channels"] = ["email", "sms"]

    assert _codes(sms) == [("purpose_channels_added", True)]
    assert "SMS" in _one(sms).text("en") or "sms" in _one(sms).text("en").lower()
    assert [c.code for c in diff(_policy(sms), _policy(version=2))] == ["purpose_channels_removed"]


def test_rewording_a_purpose_is_not_material() -> None:
    def reword(doc: dict[str, Any]) -> None:
        _purpose(doc, "deliver_orders")["text"] = {"vi": "Giao hàng tận nơi", "en": "Delivery"}

    assert _codes(reword) == [("wording_changed", False)]
    assert _one(reword).path == "purposes.deliver_orders.text"


# --- recipients --------------------------------------------------------------


def test_a_new_recipient_is_material_and_touches_the_subjects_of_its_purposes() -> None:
    added = _one(lambda d: d["recipients"].append(ANALYTICS))
    assert (added.code, added.material) == ("recipient_added", True)
    assert added.purposes == {"marketing_email"}
    assert added.touches("customer", {"marketing_email"})
    assert not added.touches("customer", ())  # marketing is opt-in: only those who consented


def test_a_new_recipient_abroad_is_also_a_transfer_abroad() -> None:
    abroad = {**ANALYTICS, "abroad": True, "countries": ["SG"]}
    assert _codes(lambda d: d["recipients"].append(abroad)) == [
        ("recipient_added", True),
        ("transfer_abroad", True),
    ]


def test_an_existing_recipient_sending_data_abroad_is_material() -> None:
    def abroad(doc: dict[str, Any]) -> None:
        doc["recipients"][0].update(abroad=True, countries=["JP"])

    change = _one(abroad)
    assert (change.code, change.material, change.params["countries"]) == (
        "transfer_abroad",
        True,
        "JP",
    )
    base_abroad = _policy(abroad)

    def more_countries(doc: dict[str, Any]) -> None:
        doc["recipients"][0].update(abroad=True, countries=["JP", "KR"])

    [more] = diff(base_abroad, _policy(more_countries, version=2))
    assert (more.code, more.material) == ("transfer_countries_added", True)
    [ended] = diff(base_abroad, _policy(version=2))
    assert (ended.code, ended.material) == ("transfer_abroad_ended", False)


def test_a_removed_recipient_is_not_material() -> None:
    assert _codes(lambda d: d["recipients"].clear()) == [("recipient_removed", False)]


def test_a_recipient_given_more_fields_or_purposes_is_material() -> None:
    def fields(doc: dict[str, Any]) -> None:
        doc["recipients"][0]["fields"] = ["full_name", "email"]

    assert _codes(fields) == [("recipient_fields_added", True)]
    assert _codes(lambda d: d["recipients"][0].update(fields="all")) == [
        ("recipient_fields_added", True)
    ]
    assert [c.code for c in diff(_policy(fields), _policy(version=2))] == [
        "recipient_fields_removed"
    ]

    def purposes(doc: dict[str, Any]) -> None:
        doc["recipients"][0]["purposes"] = ["deliver_orders", "marketing_email"]

    change = _one(purposes)
    assert (change.code, change.material, change.purposes) == (
        "recipient_purposes_added",
        True,
        {"marketing_email"},
    )


def test_a_recipient_that_gets_data_routinely_or_in_secret_is_material() -> None:
    def kind(doc: dict[str, Any]) -> None:
        doc["recipients"][0]["kind"] = "partner"

    assert _codes(kind) == [("recipient_kind_changed", True)]
    assert _codes(lambda d: d["recipients"][0].update(confidential=True)) == [
        ("recipient_confidential", True)
    ]
    on_request = _policy(lambda d: d["recipients"][0].update(on_request_only=True))
    assert [(c.code, c.material) for c in diff(on_request, _policy(version=2))] == [
        ("recipient_routine", True)
    ]


def test_a_renewed_contract_or_renamed_recipient_is_not_material() -> None:
    def renew(doc: dict[str, Any]) -> None:
        doc["recipients"][0]["contract"]["valid_until"] = "2028-01-01"
        doc["recipients"][0]["name"] = {"vi": "Đối tác giao hàng mới", "en": "New courier"}

    assert _codes(renew) == [
        ("recipient_contract_changed", False),
        ("recipient_details_changed", False),
    ]


# --- subject types and fields ------------------------------------------------


def test_a_new_field_is_material_and_a_new_category_is_named_too() -> None:
    def phone(doc: dict[str, Any]) -> None:
        doc["subject_types"][0]["fields"].append(PHONE)

    assert _codes(phone) == [("field_added", True)]  # contact: a category already held

    def location(doc: dict[str, Any]) -> None:
        doc["subject_types"][0]["fields"].append(LOCATION)
        _purpose(doc, "marketing_email")["fields"].append("location")

    codes = _codes(location)
    assert ("field_added", True) in codes
    assert ("category_added", True) in codes
    assert ("purpose_fields_added", True) in codes
    added = next(c for c in _changes(location) if c.code == "category_added")
    assert added.params["category"] == "location"
    assert added.touches("customer", ()) and not added.touches("seller", ())


def test_a_removed_field_and_a_relabelled_one_are_not_material() -> None:
    def phone(doc: dict[str, Any]) -> None:
        doc["subject_types"][0]["fields"].append(PHONE)

    assert [(c.code, c.material) for c in diff(_policy(phone), _policy(version=2))] == [
        ("field_removed", False)
    ]

    def relabel(doc: dict[str, Any]) -> None:
        _field(doc, "email")["label"] = {"vi": "Thư điện tử", "en": "E-mail"}

    assert _codes(relabel) == [("wording_changed", False)]


def test_a_field_in_another_category_or_sensitivity_or_now_required_is_material() -> None:
    def recategorise(doc: dict[str, Any]) -> None:
        _field(doc, "email")["category"] = "account"

    assert _codes(recategorise) == [("category_added", True), ("field_category_changed", True)]
    change = _changes(recategorise)[1]
    assert change.purposes == {"deliver_orders", "marketing_email"}  # the purposes using it

    def optional(doc: dict[str, Any]) -> None:
        _field(doc, "email")["required"] = False

    assert _codes(optional) == [("field_no_longer_required", False)]
    [required] = diff(_policy(optional), _policy(version=2))
    assert (required.code, required.material) == ("field_now_required", True)

    def formatted(doc: dict[str, Any]) -> None:
        _field(doc, "full_name")["max_length"] = 120

    assert _codes(formatted) == [("field_format_changed", False)]


def _free_text(pii: str | None) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        _field(doc, "full_name").update(free_text=True, pii=pii)

    return edit


def test_redacting_found_personal_data_is_a_format_change_and_keeping_it_is_material() -> None:
    flag, redact, unset = _free_text("flag"), _free_text("redact"), _free_text(None)

    [redacted] = diff(_policy(flag), _policy(redact, version=2))
    assert (redacted.code, redacted.material) == ("field_format_changed", False)
    [kept] = diff(_policy(redact), _policy(unset, version=2))
    assert (kept.code, kept.material, kept.path) == (
        "field_pii_kept",
        True,
        "subject_types.customer.fields.full_name.pii",
    )
    assert kept.purposes == {"deliver_orders"}  # the purposes using the field
    assert "no longer redacted" in kept.text("en") and "không còn bị che" in kept.text("vi")
    assert diff(_policy(unset), _policy(flag, version=2)) == []  # absent means flag


def test_a_redacted_field_no_longer_scanned_keeps_personal_data_and_is_material() -> None:
    def plain(doc: dict[str, Any]) -> None:
        _field(doc, "full_name")["free_text"] = False

    assert [(c.code, c.material) for c in diff(_policy(_free_text("redact")), _policy(plain))] == [
        ("field_pii_kept", True),
        ("field_format_changed", False),
    ]


def test_a_new_kind_of_subject_is_material_and_a_dropped_one_is_not() -> None:
    seller = {"id": "seller", "name": {"vi": "Người bán", "en": "Seller"}, "fields": [PHONE]}
    assert ("subject_type_added", True) in _codes(lambda d: d["subject_types"].append(seller))
    with_seller = _policy(lambda d: d["subject_types"].append(seller))
    assert [(c.code, c.material) for c in diff(with_seller, _policy(version=2))] == [
        ("subject_type_removed", False)
    ]


# --- retention ---------------------------------------------------------------


def _keep(**rule: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        doc["retention"] = [{"id": "until_cancelled", "trigger": "until_cancelled", **rule}]

    return edit


def _retention(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, bool]]:
    return [(c.code, c.material) for c in diff(_policy(_keep(**old)), _policy(_keep(**new), 2))]


def test_keeping_data_longer_is_material_and_shorter_is_not() -> None:
    two, five = {"amount": 2, "unit": "years"}, {"amount": 5, "unit": "years"}
    assert _retention({"max_keep": two}, {"max_keep": five}) == [("retention_longer", True)]
    assert _retention({"max_keep": five}, {"max_keep": two}) == [("retention_shorter", False)]
    assert _retention({"min_keep": two}, {"min_keep": five}) == [("retention_longer", True)]


def test_lengths_in_other_units_compare_safely() -> None:
    months = {"amount": 18, "unit": "months"}
    assert _retention({"max_keep": {"amount": 1, "unit": "years"}}, {"max_keep": months}) == [
        ("retention_longer", True)
    ]
    twelve, one = {"amount": 12, "unit": "months"}, {"amount": 1, "unit": "years"}
    assert _retention({"max_keep": twelve}, {"max_keep": one}) == [
        ("retention_may_be_longer", True)
    ]
    change = diff(
        _policy(_keep(max_keep={"amount": 2, "unit": "years"})),
        _policy(_keep(max_keep={"amount": 18, "unit": "months"}), 2),
    )[0]
    assert change.code == "retention_shorter"
    assert "2 years" in change.text("en") and "18 months" in change.text("en")
    assert "18 tháng" in change.text("vi")


def test_a_maximum_dropped_or_a_minimum_added_keeps_data_longer() -> None:
    two = {"amount": 2, "unit": "years"}
    assert _retention({"max_keep": two}, {}) == [("retention_unbounded", True)]
    assert _retention({}, {"max_keep": two}) == [("retention_bounded", False)]
    assert _retention({}, {"min_keep": two}) == [("retention_longer", True)]
    assert _retention({"min_keep": two}, {}) == []


def test_another_trigger_another_scope_or_a_new_rule_is_material() -> None:
    def after_closure(doc: dict[str, Any]) -> None:
        doc["retention"] = [
            {"id": "until_cancelled", "trigger": "after_closure",
             "period": {"amount": 1, "unit": "years"}}
        ]  # fmt: skip

    change = _one(after_closure)
    assert (change.code, change.material) == ("retention_trigger_changed", True)
    assert "1 year after your account is closed" in change.text("en")

    def scoped(doc: dict[str, Any]) -> None:
        doc["retention"][0]["subject_types"] = ["customer"]

    assert _codes(scoped) == [("retention_scope_changed", True)]

    def another(doc: dict[str, Any]) -> None:
        doc["retention"] = [{"id": "kept", "trigger": "until_cancelled"}]

    assert _codes(another) == [("retention_rule_added", True), ("retention_rule_removed", False)]


# --- subject access, complaints, change notice, security, organisation --------


def test_a_longer_complaint_deadline_is_material_and_a_shorter_one_is_not() -> None:
    def longer(doc: dict[str, Any]) -> None:
        doc["complaints"]["deadline"] = {"amount": 15, "unit": "working_days"}

    assert _codes(longer) == [("complaint_deadline_longer", True)]

    def shorter(doc: dict[str, Any]) -> None:
        doc["complaints"]["deadline"] = {"amount": 5, "unit": "working_days"}

    assert _codes(shorter) == [("complaint_deadline_shorter", False)]

    def ranged(doc: dict[str, Any]) -> None:
        doc["complaints"]["deadline"] = {"unit": "days", "min": 7, "max": 30}

    assert _codes(ranged) == [("complaint_deadline_may_be_longer", True)]
    assert _codes(lambda d: d["complaints"].pop("deadline")) == [
        ("complaint_deadline_removed", True)
    ]


def test_a_complaint_channel_or_step_dropped_is_material() -> None:
    def hotline(doc: dict[str, Any]) -> None:
        doc["complaints"]["channels"] = [{"kind": "hotline", "value": "1900 1234"}]

    assert _codes(hotline) == [
        ("complaint_channel_removed", True),
        ("complaint_channel_added", False),
    ]
    with_court = _policy(lambda d: d["complaints"].update(steps=["negotiation", "court"]))
    assert [(c.code, c.material) for c in diff(with_court, _policy(version=2))] == [
        ("complaint_step_removed", True)
    ]


def test_fewer_ways_to_reach_ones_data_are_material() -> None:
    assert _codes(lambda d: d["subject_access"].update(mode="assisted")) == [
        ("access_narrowed", True)
    ]
    assert _codes(lambda d: d["subject_access"].update(mode="both")) == [("access_widened", False)]
    assert _codes(lambda d: d["subject_access"].update(identity_proof="legal_right")) == [
        ("identity_proof_stricter", True)
    ]
    assert _codes(lambda d: d["subject_access"].update(rights=["access", "delete"])) == [
        ("rights_removed", True)
    ]


def test_a_weaker_change_notice_is_material() -> None:
    weaker = _one(lambda d: d["change_notice"].update(mode="continued_use"))
    assert (weaker.code, weaker.material) == ("change_notice_weakened", True)
    assert _codes(lambda d: d["change_notice"].update(mode="fresh_consent")) == [
        ("change_notice_strengthened", False)
    ]


def test_weaker_security_is_material() -> None:
    measures = [{"id": "firewall", "text": {"vi": "Tường lửa", "en": "A firewall"}}]
    secured = _policy(
        lambda d: d.update(
            security={
                "measures": measures,
                "breach": {"notify_authority": True, "notify_subjects": True},
            }
        )
    )
    assert [(c.code, c.material) for c in diff(secured, _policy(version=2))] == [
        ("security_measure_removed", True),
        ("breach_notice_weakened", True),
    ]
    assert _codes(lambda d: d.update(security={"third_party_tracking": True})) == [
        ("third_party_tracking_allowed", True)
    ]


def test_a_new_reason_to_lock_a_service_is_material_and_a_dropped_one_is_not() -> None:
    fraud = {"id": "fraud", "text": {"vi": "Gian lận", "en": "Fraud"}}
    spam = {"id": "spam", "text": {"vi": "Gửi thư rác", "en": "Sending spam"}}
    purpose = BASE["purposes"][0]["id"]
    locks = {"violations": [fraud], "blocks_purposes": [purpose]}
    locking = _policy(lambda d: d.update(service_locks=locks))
    wider = _policy(lambda d: d.update(service_locks={**locks, "violations": [fraud, spam]}), 2)
    [added] = diff(locking, wider)
    assert (added.code, added.material, added.path) == (
        "lock_violation_added", True, "service_locks.violations.spam",
    )  # fmt: skip
    assert "Sending spam" in added.text("en") and "Gửi thư rác" in added.text("vi")
    assert [(c.code, c.material) for c in diff(locking, _policy(version=2))] == [
        ("lock_violation_removed", False),
        ("lock_purposes_removed", False),
    ]
    assert [(c.code, c.material) for c in diff(_policy(), locking)] == [
        ("lock_violation_added", True),
        ("lock_purposes_added", True),
    ]


DOSSIER = {"reference": "A05-CB-2026-0077", "filed_on": "2026-01-05"}


def _abroad_with(dossier: dict[str, str] | None) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        doc["recipients"][0].update(abroad=True, countries=["SG"])
        if dossier is not None:
            doc["recipients"][0]["transfer_dossier"] = dossier

    return edit


def test_a_transfer_dossier_filed_or_updated_is_recorded_and_not_material() -> None:
    before = _policy(_abroad_with(None))
    filed = _policy(_abroad_with(DOSSIER), 2)
    updated = _policy(_abroad_with({**DOSSIER, "updated_on": "2026-01-14"}), 3)

    [recorded] = diff(before, filed)
    [again] = diff(filed, updated)

    assert (recorded.code, recorded.material, recorded.path) == (
        "dossier_recorded", False, "recipients.courier.transfer_dossier",
    )  # fmt: skip
    assert recorded.text("en") == (
        "Recorded the cross-border transfer impact dossier of recipient 'courier': "
        "reference A05-CB-2026-0077, filed on 05/01/2026, last updated on 05/01/2026."
    )
    assert "cập nhật lần cuối ngày 14/01/2026" in again.text("vi")
    assert [(c.code, c.material) for c in diff(filed, before)] == [("dossier_removed", False)]


def test_a_new_recipient_abroad_with_its_dossier_is_a_material_transfer_only() -> None:
    def edit(doc: dict[str, Any]) -> None:
        doc["recipients"][0]["id"] = "group_partner"
        _abroad_with(DOSSIER)(doc)

    codes = _codes(edit)

    assert ("transfer_abroad", True) in codes
    assert all(code != "dossier_recorded" for code, _ in codes)


def test_an_impact_assessment_recorded_updated_or_dropped_is_not_material() -> None:
    assessment = {"reference": "A05-DPIA-2026-0142", "filed_on": "2026-01-05"}
    filed = _policy(lambda d: d.update(impact_assessment=assessment))
    updated = _policy(
        lambda d: d.update(impact_assessment={**assessment, "updated_on": "2026-01-10"}), 2
    )

    assert [(c.code, c.material, c.path) for c in diff(_policy(), filed)] == [
        ("dossier_recorded", False, "impact_assessment")
    ]
    [again] = diff(filed, updated)
    assert "last updated on 10/01/2026" in again.text("en")
    [dropped] = diff(filed, _policy(version=2))
    assert (dropped.code, dropped.material) == ("dossier_removed", False)
    assert dropped.text("en") == (
        "The policy no longer records the data protection impact assessment dossier."
    )


def test_notice_texts_added_or_reworded_are_wording_and_dropped_ones_are_recorded() -> None:
    harm = {"vi": "Lộ thông tin liên hệ", "en": "Exposure of contact details"}
    stated = _policy(lambda d: d.update(notice={"possible_harm": harm}))
    reworded = _policy(lambda d: d.update(notice={"possible_harm": {**harm, "en": "Leaks"}}), 2)

    assert [(c.code, c.path) for c in diff(_policy(), stated)] == [
        ("wording_changed", "notice.possible_harm")
    ]
    assert [(c.code, c.material) for c in diff(stated, reworded)] == [("wording_changed", False)]
    [dropped] = diff(stated, _policy(version=2))
    assert (dropped.code, dropped.material) == ("notice_text_removed", False)
    assert dropped.text("vi") == (
        "Chính sách không còn nêu hậu quả, thiệt hại không mong muốn có khả năng xảy ra."
    )


def test_another_controller_is_material_and_new_contact_details_are_not() -> None:
    taxed = _policy(lambda d: d["organisation"].update(tax_code="0314409058"))

    def other(doc: dict[str, Any]) -> None:
        doc["organisation"]["tax_code"] = "0110375724"

    assert [(c.code, c.material) for c in diff(taxed, _policy(other, 2))] == [
        ("controller_changed", True)
    ]
    assert _codes(lambda d: d["organisation"].update(phones=["028 3850 3852"])) == [
        ("organisation_changed", False)
    ]
    assert _codes(lambda d: d.update(law_profile="decree-13-2023")) == [
        ("law_profile_changed", False)
    ]
    assert _codes(lambda d: d.update(languages=["vi"])) == [("language_removed", True)]


# --- texts, storage, whom a change touches, fresh consent --------------------


def test_every_code_is_classified_once_and_has_texts_in_both_languages() -> None:
    assert not MATERIAL & NOT_MATERIAL
    assert {k for k in texts() if "." not in k} == MATERIAL | NOT_MATERIAL
    for code in MATERIAL | NOT_MATERIAL:
        assert texts()[code]["vi"] and texts()[code]["en"], code


def test_every_change_between_the_examples_reads_in_both_languages() -> None:
    policies = [load_policy(p) for p in EXAMPLES]
    seen = set()
    for old in policies:
        for new in policies:
            for change in diff(old, new):
                seen.add(change.code)
                for lang in ("vi", "en"):
                    text = change.text(lang)
                    assert text and "{" not in text, (change.code, lang)
    assert len(seen) > 20


def test_a_change_is_stored_as_json_and_read_back_with_its_classification() -> None:
    for change in _changes(lambda d: d["recipients"].append({**ANALYTICS, "abroad": True})):
        stored = change.as_json()
        assert stored["text"]["vi"] == change.text("vi")
        assert Change.from_json(stored) == change


def test_a_subject_is_told_only_the_material_changes_that_touch_it() -> None:
    def edits(doc: dict[str, Any]) -> None:
        _purpose(doc, "marketing_email")["fields"].append("full_name")  # consenters only
        doc["complaints"]["deadline"] = {"amount": 20, "unit": "working_days"}  # everyone
        _purpose(doc, "deliver_orders")["text"] = {"vi": "Giao", "en": "Deliver"}  # wording

    changes = _changes(edits)
    assert [c.code for c in touching(changes, "customer", ())] == ["complaint_deadline_longer"]
    assert [c.code for c in touching(changes, "customer", {"marketing_email"})] == [
        "purpose_fields_added",
        "complaint_deadline_longer",
    ]
    assert summary(changes).total == 3 and summary(changes).material == 2


def test_scopes_name_types_and_purposes() -> None:
    scope = Scope(frozenset({"buyer"}), frozenset({"marketing_email"}))
    assert scope.touches("buyer", ["marketing_email", "x"])
    assert not scope.touches("seller", ["marketing_email"])
    assert not scope.touches("buyer", [])
    assert Scope.from_json(scope.as_json()) == scope


def test_fresh_consent_asks_again_for_new_and_materially_changed_purposes_only() -> None:
    def edits(doc: dict[str, Any]) -> None:
        doc["purposes"].append(LOYALTY)
        _purpose(doc, "marketing_email")["fields"].append("full_name")
        _purpose(doc, "deliver_orders")["text"] = {"vi": "Giao", "en": "Deliver"}

    new = _policy(edits, version=2)
    changes = diff(_policy(), new)
    assert consent_from({}, changes, new, fresh=True) == {"loyalty": 2, "marketing_email": 2}
    assert consent_from({}, changes, new, fresh=False) == {}
    # carried over while a purpose goes on; dropped with it
    v3 = _policy(edits, version=3)
    assert consent_from({"loyalty": 2, "gone": 1}, diff(new, v3), v3, fresh=True) == {"loyalty": 2}


ids = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)


@given(ids, st.booleans())
def test_any_new_purpose_is_material(purpose_id: str, opt_in: bool) -> None:
    if purpose_id in {"deliver_orders", "marketing_email"}:
        return
    purpose = {
        "id": purpose_id,
        "text": {"vi": "Mục đích", "en": "Purpose"},
        "legal_basis": "consent" if opt_in else "contract",
        "consent": "opt_in" if opt_in else "not_needed",
        "fields": ["email"],
    }
    change = _one(lambda d: d["purposes"].append(purpose))
    assert (change.code, change.material, change.purposes) == (
        "purpose_added",
        True,
        {purpose_id},
    )


units = st.sampled_from(["hours", "days", "working_days", "months", "years"])


@given(st.integers(1, 1000), st.integers(1, 1000), units)
def test_a_keep_in_one_unit_is_material_exactly_when_it_grows(
    old: int, new: int, unit: str
) -> None:
    found = _retention(
        {"max_keep": {"amount": old, "unit": unit}}, {"max_keep": {"amount": new, "unit": unit}}
    )
    assert [m for _, m in found] == ([] if new == old else [new > old])
