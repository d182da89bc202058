"""The fides export's mapping of baomat's categories, purposes and recipients (no fideslang here;
tests/integration/test_fides_export.py validates the output with fideslang itself)."""

from __future__ import annotations

from typing import Any

import pytest

from baomat.policy.fides import Manifest, data_subject, data_use, export, field_categories, table
from baomat.policy.model import Category, Policy, SubjectType
from tests.integration.tenancy import example_policy


@pytest.fixture(scope="module")
def wecan() -> Policy:
    return example_policy("wecan")


def _declaration(manifest: Manifest, purpose_text: str) -> dict[str, Any]:
    return next(
        d for d in manifest["system"][0]["privacy_declarations"] if d["name"] == purpose_text
    )


def test_every_baomat_category_has_a_fides_category() -> None:
    assert set(table()["categories"]) == {c.value for c in Category}


def test_a_field_maps_by_its_type_within_its_category(wecan: Policy) -> None:
    def keys(field_id: str) -> list[str]:
        spec = wecan.field("member", field_id)
        assert spec is not None
        return field_categories(spec)

    assert keys("email") == ["user.contact.email"]
    assert keys("mobile") == ["user.contact.phone_number"]
    assert keys("national_id") == ["user.government_id.national_identification_number"]
    assert keys("credit_card_number") == ["user.financial.credit_card"]
    assert keys("age") == ["user.demographic.age_range"]
    assert keys("pages_viewed") == ["user.behavior"]


@pytest.mark.parametrize(
    ("purpose", "use"),
    [
        ("marketing_email", "marketing.communications.email"),
        ("login_verification", "essential.service.authentication"),
        ("trend_analysis", "analytics.reporting"),
        ("personalisation", "personalize.content"),
        ("share_with_sellers", "third_party_sharing"),
        ("law_enforcement", "third_party_sharing.legal_obligation"),
        ("protect_life_and_health", "third_party_sharing"),
        ("transactions", "essential.service"),
    ],
)
def test_a_purpose_maps_to_a_data_use(wecan: Policy, purpose: str, use: str) -> None:
    found = wecan.purpose(purpose)
    assert found is not None
    assert data_use(wecan, found) == use


def test_a_legal_obligation_kept_in_house_is_not_third_party_sharing(wecan: Policy) -> None:
    law = wecan.purpose("law_enforcement")
    assert law is not None
    in_house = wecan.model_copy(update={"recipients": []})

    assert data_use(in_house, law) == "essential.legal_obligation"


def test_subject_types_map_to_fides_subjects_customer_by_default() -> None:
    def kind(type_id: str) -> str:
        return data_subject(SubjectType.model_validate({
            "id": type_id, "name": {"vi": "x", "en": "x"},
            "fields": [{"id": "f", "label": {"vi": "x", "en": "x"}, "type": "text",
                        "category": "name", "sensitivity": "basic"}],
        }))  # fmt: skip

    assert kind("member") == "customer"
    assert kind("job_applicant") == "job_applicant"
    assert kind("employee") == "employee"


def test_sensitive_data_under_consent_is_declared_as_special_category(wecan: Policy) -> None:
    manifest = export(wecan)
    transactions = wecan.purpose("transactions")
    assert transactions is not None

    declared = _declaration(manifest, transactions.text.en)

    assert declared["processes_special_category_data"] is True
    assert declared["special_category_legal_basis"] == "Explicit consent"
    assert declared["legal_basis_for_processing"] == "Consent"
    assert "user.financial.credit_card" in declared["data_categories"]


def test_recipients_outside_become_systems_joined_by_flows(wecan: Policy) -> None:
    manifest = export(wecan)
    website, *others = manifest["system"]

    outside = [r for r in wecan.recipients if r.kind.value != "internal"]
    assert [s["fides_key"] for s in others] == [f"wecan-{r.id}" for r in outside]
    assert {f["fides_key"] for f in website["egress"]} == {s["fides_key"] for s in others}
    sellers = next(s for s in others if s["fides_key"] == "wecan-sellers")
    assert sellers["ingress"][0]["fides_key"] == "wecan"
    assert [d["data_use"] for d in sellers["privacy_declarations"]] == ["third_party_sharing"]


def test_a_transfer_abroad_is_flagged_on_both_systems() -> None:
    manifest = export(example_policy("clevergroup"))
    website = manifest["system"][0]
    partners = next(
        s
        for s in manifest["system"]
        if s["fides_key"] == "clevergroup-group_companies_and_partners"
    )

    assert website["does_international_transfers"] is True
    assert partners["does_international_transfers"] is True
    assert partners["meta"]["countries"] == []


def test_the_dataset_lists_every_field_of_every_subject_type() -> None:
    wesale = example_policy("wesale")
    dataset = export(wesale, "vi")["dataset"][0]

    assert [c["name"] for c in dataset["collections"]] == ["seller", "buyer"]
    seller = dataset["collections"][0]
    assert [f["name"] for f in seller["fields"]] == [f.id for f in wesale.subject_types[0].fields]
    assert seller["fields"][0]["description"] == "Họ và tên"
