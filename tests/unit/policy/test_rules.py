"""Cross-reference rules: each mistake is found and pointed at the node it concerns."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from baomat.policy.model import Duration, Policy, TimeUnit
from baomat.policy.rules import Finding, approx_days, check

VALID = Path(__file__).resolve().parents[2] / "data" / "valid_minimal.yaml"
BASE: dict[str, Any] = yaml.safe_load(VALID.read_text(encoding="utf-8"))

Doc = dict[str, Any]


def _findings(change: Callable[[Doc], object]) -> list[Finding]:
    doc = copy.deepcopy(BASE)
    change(doc)
    return check(Policy.model_validate(doc))


def _only(change: Callable[[Doc], object]) -> Finding:
    (finding,) = _findings(change)
    return finding


def _customer_fields(doc: Doc) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = doc["subject_types"][0]["fields"]
    return fields


def _add_card_number(doc: Doc, sensitivity: str = "sensitive") -> None:
    _customer_fields(doc).append(
        {
            "id": "card_number",
            "label": {"vi": "Số thẻ", "en": "Card number"},
            "type": "card_number",
            "category": "financial",
            "sensitivity": sensitivity,
        }
    )


def test_the_minimal_policy_breaks_no_rule() -> None:
    assert _findings(lambda doc: None) == []


def test_a_duplicate_subject_type_id_points_at_the_second() -> None:
    finding = _only(lambda d: d["subject_types"].append(copy.deepcopy(d["subject_types"][0])))
    assert finding.loc == ("subject_types", 1, "id")
    assert "subject type id 'customer' is used twice (first at subject_types[0])" in finding.rule


@pytest.mark.parametrize("section", ["recipients", "retention"])
def test_duplicate_recipient_and_retention_ids_are_found(section: str) -> None:
    finding = _only(lambda d: d[section].append(copy.deepcopy(d[section][0])))
    assert finding.loc == (section, 1, "id")


def test_duplicate_security_measure_ids_are_found() -> None:
    measure = {"id": "firewall", "text": {"vi": "Tường lửa", "en": "Firewall"}}
    finding = _only(lambda d: d.update(security={"measures": [measure, measure]}))
    assert finding.loc == ("security", "measures", 1, "id")


def test_a_purpose_using_an_undeclared_field_is_named_with_the_field() -> None:
    finding = _only(lambda d: d["purposes"][1]["fields"].append("fax"))
    assert finding == Finding(
        ("purposes", 1, "fields", 1),
        "purpose 'marketing_email' uses field 'fax' that no subject type declares",
    )


def test_a_purpose_using_a_field_outside_its_own_subject_types_is_found() -> None:
    def change(doc: Doc) -> None:
        nickname = {**_customer_fields(doc)[0], "id": "nickname"}
        buyer = {"id": "buyer", "name": {"vi": "Người mua", "en": "Buyer"}, "fields": [nickname]}
        doc["subject_types"].append(buyer)
        doc["purposes"][0]["fields"].append("nickname")
        doc["purposes"][1]["fields"].append("nickname")
        doc["purposes"][1]["subject_types"] = ["customer"]

    finding = _only(change)
    assert finding.loc == ("purposes", 1, "fields", 1)
    assert "none of its subject types (customer) declares" in finding.rule


def test_a_recipient_naming_an_undeclared_purpose_is_found() -> None:
    finding = _only(lambda d: d["recipients"][0]["purposes"].append("resale"))
    assert finding.loc == ("recipients", 0, "purposes", 1)
    assert "purpose 'resale'" in finding.rule


def test_a_recipient_receiving_all_fields_needs_no_field_check() -> None:
    assert _findings(lambda d: d["recipients"][0].update(fields="all")) == []


def test_a_partner_without_a_contract_is_found() -> None:
    def change(doc: Doc) -> None:
        doc["recipients"][0].update(kind="partner")
        del doc["recipients"][0]["contract"]

    assert "is a partner but has no contract" in _only(change).rule


def test_a_state_agency_needs_no_contract() -> None:
    def change(doc: Doc) -> None:
        doc["recipients"][0].update(kind="state_agency", on_request_only=True)
        del doc["recipients"][0]["contract"]

    assert _findings(change) == []


def test_countries_with_abroad_false_are_found() -> None:
    finding = _only(lambda d: d["recipients"][0].update(countries=["SG"]))
    assert finding.loc == ("recipients", 0, "abroad")


def test_vietnam_is_not_a_country_abroad() -> None:
    finding = _only(lambda d: d["recipients"][0].update(abroad=True, countries=["SG", "VN"]))
    assert finding.loc == ("recipients", 0, "countries", 1)


def test_a_sensitive_field_used_by_an_opt_in_purpose_is_fine() -> None:
    def change(doc: Doc) -> None:
        _add_card_number(doc)
        doc["purposes"][1]["fields"].append("card_number")

    assert _findings(change) == []


def test_a_contract_purpose_may_also_ask_opt_in_consent() -> None:
    """Decided in rules.py: stricter than the law, so not an error."""

    def change(doc: Doc) -> None:
        _add_card_number(doc)
        doc["purposes"][0].update(consent="opt_in")
        doc["purposes"][0]["fields"].append("card_number")

    assert _findings(change) == []


def test_a_sensitive_category_marked_basic_names_the_category() -> None:
    def change(doc: Doc) -> None:
        _add_card_number(doc, sensitivity="basic")
        doc["purposes"][0]["fields"].append("card_number")

    finding = _only(change)
    assert finding.loc == ("subject_types", 0, "fields", 2, "sensitivity")
    assert "category 'financial', which LAW.md lists as sensitive" in finding.rule


def test_a_basic_category_may_be_marked_sensitive() -> None:
    def change(doc: Doc) -> None:
        _customer_fields(doc)[0]["sensitivity"] = "sensitive"
        doc["purposes"][1]["fields"].append("full_name")

    assert _findings(change) == []


def test_file_limits_on_a_text_field_are_found() -> None:
    finding = _only(lambda d: _customer_fields(d)[0].update(file={"max_bytes": 1000}))
    assert "has file limits but its type is 'text'" in finding.rule


def test_a_choice_field_without_choices_is_found() -> None:
    finding = _only(lambda d: _customer_fields(d)[0].update(type="choice"))
    assert finding.rule == "field 'full_name' has type 'choice' but lists no choices"


def test_a_choice_field_with_choices_is_fine() -> None:
    change = _customer_fields
    assert _findings(lambda d: change(d)[0].update(type="choice", choices=["a", "b"])) == []


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"trigger": "while_needed"}, "gives no review_every"),
        ({"period": {"amount": 1, "unit": "years"}}, "has a period, which only after_closure"),
        ({"review_every": {"amount": 1, "unit": "years"}}, "only while_needed uses"),
        ({"subject_types": ["seller"]}, "subject type 'seller'"),
    ],
)
def test_retention_rule_mistakes_are_found(rule: dict[str, Any], fragment: str) -> None:
    assert fragment in _only(lambda d: d["retention"][0].update(rule)).rule


def test_min_keep_is_compared_to_max_keep_in_a_common_unit() -> None:
    def keep(min_keep: dict[str, Any], max_keep: dict[str, Any]) -> list[Finding]:
        return _findings(lambda d: d["retention"][0].update(min_keep=min_keep, max_keep=max_keep))

    assert keep({"amount": 2, "unit": "years"}, {"amount": 10, "unit": "years"}) == []
    assert keep({"amount": 23, "unit": "months"}, {"amount": 2, "unit": "years"}) == []
    assert len(keep({"amount": 25, "unit": "months"}, {"amount": 2, "unit": "years"})) == 1


def test_approximate_days_convert_every_unit() -> None:
    days = {unit: approx_days(Duration(amount=5, unit=unit)) for unit in TimeUnit}
    assert days == pytest.approx(
        {
            TimeUnit.HOURS: 5 / 24,
            TimeUnit.DAYS: 5,
            TimeUnit.WORKING_DAYS: 7,
            TimeUnit.MONTHS: 150,
            TimeUnit.YEARS: 1825,
        }
    )


@pytest.mark.parametrize(
    ("deadline", "fragment"),
    [
        ({"unit": "days"}, "needs either amount, or both min and max"),
        ({"unit": "days", "min": 7}, "needs either amount, or both min and max"),
        ({"unit": "days", "amount": 10, "max": 15}, "gives both amount and min/max"),
        ({"unit": "days", "min": 15, "max": 7}, "min (15) is above its max (7)"),
        ({"unit": "months", "amount": 1}, "complaint deadlines are counted in days"),
    ],
)
def test_complaint_deadline_mistakes_are_found(deadline: dict[str, Any], fragment: str) -> None:
    assert fragment in _only(lambda d: d["complaints"].update(deadline=deadline)).rule


def test_a_complaint_deadline_range_in_days_is_fine() -> None:
    deadline = {"unit": "days", "min": 7, "max": 15}
    assert _findings(lambda d: d["complaints"].update(deadline=deadline)) == []


def test_a_policy_without_a_complaint_deadline_breaks_no_rule() -> None:
    assert _findings(lambda d: d["complaints"].pop("deadline")) == []


def test_a_service_lock_names_declared_purposes_and_distinct_violations() -> None:
    fraud = {"id": "fraud", "text": {"vi": "Gian lận", "en": "Fraud"}}
    locks = {"violations": [fraud, fraud], "blocks_purposes": ["deliver_orders", "hosting"]}
    found = _findings(lambda d: d.update(service_locks=locks))
    assert [(f.loc, "hosting" in f.rule or "twice" in f.rule) for f in found] == [
        (("service_locks", "violations", 1, "id"), True),
        (("service_locks", "blocks_purposes", 1), True),
    ]
    fine = {"violations": [fraud], "blocks_purposes": ["deliver_orders"]}
    assert _findings(lambda d: d.update(service_locks=fine)) == []


def test_languages_must_include_vietnamese() -> None:
    assert _only(lambda d: d.update(languages=["en"])).loc == ("languages",)


def test_an_unknown_validator_name_is_found() -> None:
    finding = _only(lambda d: d["subject_types"][0]["fields"][0].update(validator="vn_mobil"))
    assert finding.loc[-1] == "validator"
    assert "names validator 'vn_mobil'" in finding.rule
