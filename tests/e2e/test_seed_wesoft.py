"""WeSoft.vn (seed 001, software vendor) keeps its promises through the API.

Customers give exactly the four contact fields; data serves the company's own
purposes and judicial requests; only the collecting unit and authorities on
request receive it; requests are assisted by staff (the seed offers no
self-service); data is kept while needed, with a review date. Each step names
the PROMISES.md line it keeps (WF-n: the n-th bullet of section 001, see
`tests.e2e.seeds`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from baomat.client import ApiError
from baomat.config import Settings
from tests.e2e.seeds import Seed, end_of_day, instant, open_seed, vn_time

pytestmark = pytest.mark.usefixtures("fast_passwords")

START = vn_time(2026, 4, 29, 10, 0)
"""Wed 29 Apr 2026, the last working day before the 30 Apr - 3 May holiday."""

REQUIRED = ("full_name", "address", "phone", "email")


@pytest.fixture
def seed(settings: Settings) -> Iterator[Seed]:
    with open_seed(settings, "wesoft", START) as opened:
        yield opened


def test_wesoft_keeps_its_promises_through_the_api(seed: Seed) -> None:
    customer, stored = _wf1_all_four_contact_fields_are_mandatory(seed)
    _wf2_data_serves_the_services_notices_and_special_cases(seed, customer)
    _wf4_only_the_collecting_unit_and_authorities_on_request(seed, customer, stored)
    _wf_rights_requests_go_through_staff(seed, customer, stored)
    _wf5_data_is_kept_while_needed_and_its_need_reviewed(seed)


def _customer(seed: Seed) -> tuple[dict[str, str], dict[str, str]]:
    people = seed.people
    phone, e164 = people.mobile()
    form = {
        "full_name": people.name(),
        "address": people.address(),
        "phone": phone,
        "email": people.email(),
    }
    return form, {**form, "phone": e164}


def _wf1_all_four_contact_fields_are_mandatory(seed: Seed) -> tuple[str, dict[str, str]]:
    """WF-1 [C] Full name, address, phone, email: all four mandatory to contact the company."""
    form, stored = _customer(seed)
    for field in REQUIRED:
        for missing in ({k: v for k, v in form.items() if k != field}, {**form, field: "  "}):
            with pytest.raises(ApiError) as refused:
                seed.api.create_subject("customer", missing)
            assert (refused.value.status, refused.value.field) == (422, field)
    with pytest.raises(ApiError) as undeclared:
        seed.api.create_subject("customer", {**form, "company_name": "Công ty TNHH Thử"})
    assert (undeclared.value.status, undeclared.value.field) == (422, "company_name")
    with pytest.raises(ApiError) as wrong_type:
        seed.api.create_subject("member", form)
    assert (wrong_type.value.status, wrong_type.value.field) == (422, "subject_type")

    customer = seed.api.create_subject("customer", form)
    assert seed.api.read_subject(customer, "provide_services", list(REQUIRED)) == stored
    return customer, stored


def _wf2_data_serves_the_services_notices_and_special_cases(seed: Seed, customer: str) -> None:
    """WF-2 [U] Provide services; notify about exchanges between the company and the user;
    contact in special cases; legal requests from judicial agencies."""
    uses = [
        ("provide_services", list(REQUIRED), "contract"),
        ("exchange_notices", ["full_name", "email"], "contract"),
        ("special_cases_contact", list(REQUIRED), "contract"),
        ("judicial_requests", ["full_name", "phone"], "legal_obligation"),
    ]
    for purpose, fields, basis in uses:
        answer = seed.api.decide(customer, purpose, fields)
        assert (answer["allowed"], answer["legal_basis"]) == (True, basis), purpose
    # Notices go by email: the phone is not theirs. The seed names no marketing at all.
    notices = seed.api.decide(customer, "exchange_notices", ["phone"])
    assert (notices["allowed"], notices["reason"]) == (False, "field_not_in_purpose")
    marketing = seed.api.decide(customer, "marketing_email", ["email"])
    assert (marketing["allowed"], marketing["reason"]) == (False, "unknown_purpose")
    assert "marketing_email" not in marketing["text_en"]  # the caller's text is not echoed


def _wf4_only_the_collecting_unit_and_authorities_on_request(
    seed: Seed, customer: str, stored: dict[str, str]
) -> None:
    """WF-4 [S] Only the collecting unit and authorities on request."""
    api = seed.api
    inside = api.decide(customer, "provide_services", list(REQUIRED), "collecting_unit")
    assert inside["allowed"] is True
    handed = api.disclose(customer, "collecting_unit", "exchange_notices")
    assert handed["values"] == {"full_name": stored["full_name"], "email": stored["email"]}
    outsider = api.decide(customer, "provide_services", ["email"], "hosting_partner")
    assert (outsider["allowed"], outsider["reason"]) == (False, "recipient_unknown")
    with pytest.raises(ApiError) as not_routine:
        api.disclose(customer, "court", "judicial_requests")
    assert (not_routine.value.status, not_routine.value.field) == (422, "recipient")

    seed.clock.advance(minutes=30)
    an, binh, lan = seed.dpo(), seed.second_dpo(), seed.support()
    police = an.record_authority_request(
        customer,
        "police_investigation",
        ["full_name", "phone", "email"],
        body="police",
        document_number="77/CSĐT-PC03",
        document_date=dt.date(2026, 4, 28),
    )
    assert police["status"] == "pending_approval"
    for not_allowed in (lan, an):
        not_allowed.approve(police["id"], status=403)
    assert binh.approve(police["id"])["values"] == {
        "full_name": stored["full_name"],
        "phone": stored["phone"],
        "email": stored["email"],
    }
    seed.clock.advance(minutes=30)
    procuracy = lan.record_authority_request(
        customer,
        "procuracy",
        list(REQUIRED),
        body="procuracy",
        document_number="19/VKS-P1",
        document_date=dt.date(2026, 4, 29),
    )
    assert binh.pending() == [procuracy["id"]]
    # Left pending on purpose: a legal hold now keeps the customer's data (see below).

    member = seed.member(customer)
    assert [(d["recipient"], d["status"]) for d in member.disclosures()] == [
        ("collecting_unit", "released"),
        ("police_investigation", "released"),
        ("procuracy", "pending_approval"),
    ]


def _wf_rights_requests_go_through_staff(seed: Seed, customer: str, stored: dict[str, str]) -> None:
    """The seed states no way for customers to see or correct their data: the policy reads it
    as assisted access, staff verifying identity (docs/policy-format.md)."""
    seed.clock.set(vn_time(2026, 4, 29, 15, 0))
    member = seed.member(customer)
    refused = member.file_request("access", status=403)
    assert "assisted" in refused["error"]["message"]

    lan, an, binh = seed.support(), seed.dpo(), seed.second_dpo()
    access = lan.enter_request(customer, "access", "document_checked")
    assert (access["channel"], access["state"]) == ("assisted", "received")
    # 2 working days after Wed 29 Apr, over 30 Apr - 3 May; 10 days end on Sat 9 May,
    # moved to Mon 11 May.
    assert instant(access["acknowledge_due"]) == end_of_day(dt.date(2026, 5, 5))
    assert instant(access["due_at"]) == end_of_day(dt.date(2026, 5, 11))
    report = lan.fulfil(access["id"])["report"]
    assert {v["field"]: v["value"] for v in report["data"]} == stored
    assert [d["recipient"] for d in report["disclosures"]] == [
        "collecting_unit", "police_investigation", "procuracy",
    ]  # fmt: skip
    assert {"decision", "subject.read"} <= {e["action"] for e in report["decisions"]}

    seed.clock.set(vn_time(2026, 5, 4, 9, 0))  # after the holiday: new sessions
    lan, an, binh = seed.support(), seed.dpo(), seed.second_dpo()
    deletion = lan.enter_request(customer, "delete", "contact_confirmed")
    held = lan.fulfil(deletion["id"])["request"]
    assert held["state"] == "refused"
    assert "legal hold (authority_request)" in held["refusal_reason"]
    assert seed.api.read_subject(customer, "provide_services", ["email"]) == {
        "email": stored["email"]
    }

    [procuracy] = binh.pending()
    rejected = binh.reject(procuracy, "not_a_formal_request")
    assert (rejected["status"], rejected["released_at"]) == ("rejected", None)
    again = lan.enter_request(customer, "delete", "contact_confirmed")
    assert lan.fulfil(again["id"])["request"]["state"] == "done"
    with pytest.raises(ApiError) as gone:
        seed.api.read_subject(customer, "provide_services", ["email"])
    assert gone.value.status == 404
    an.record_authority_request(
        customer,
        "court",
        ["full_name"],
        body="court",
        document_number="3/2026/QĐ",
        document_date=dt.date(2026, 5, 4),
        status=404,
    )
    remains = seed.remains(customer)
    assert (remains.status, remains.tombstone) == ("erased", f"request:{again['id']}")
    assert (remains.values, remains.key) == (0, False)


def _wf5_data_is_kept_while_needed_and_its_need_reviewed(seed: Seed) -> None:
    """WF-5 [R] Kept as long as needed to serve the customer's requests (reviewed every 6
    months: the policy's reading)."""
    seed.clock.set(vn_time(2026, 5, 5, 9, 0))
    staying = seed.api.create_subject("customer", _customer(seed)[0])
    leaving = seed.api.create_subject("customer", _customer(seed)[0])
    assert seed.retention_report(dt.date(2026, 11, 4)) == [
        "wesoft: 2 subjects checked, 0 due for erasure, 0 held, 0 due for review"
    ]
    # Six months after Tue 5 May: the need is due for review; nothing is erased for it.
    report = seed.retention_report(dt.date(2026, 11, 5))
    assert (
        f"REVIEW wesoft {staying} rule=while_serving_requests due=2026-11-05: "
        "need to be reviewed every 6 months"
    ) in report
    assert report[-1] == "wesoft: 2 subjects checked, 0 due for erasure, 0 held, 2 due for review"

    # No longer needed once the customer leaves: erased at the next sweep.
    seed.clock.set(vn_time(2026, 6, 1, 9, 0))
    seed.api.close_account(leaving)
    assert f"WOULD ERASE wesoft {leaving} rule=while_serving_requests due=2026-06-01: " in (
        "\n".join(seed.retention_report(dt.date(2026, 6, 1)))
    )
    seed.clock.set(vn_time(2026, 6, 2, 2, 0))
    assert seed.retention_run().erased == 1
    remains = seed.remains(leaving)
    assert (remains.tombstone, remains.values, remains.key) == (
        "retention:while_serving_requests", 0, False,
    )  # fmt: skip
    assert seed.api.decide(staying, "provide_services", ["email"])["allowed"] is True

    # A dpo reviews the need once it is due, on Fri 6 Nov: still needed. The sweep stops
    # asking, until six months after the review, Thu 6 May 2027.
    seed.clock.set(vn_time(2026, 11, 6, 9, 0))
    kept = seed.dpo().review_retention(staying, "keep")
    assert instant(kept["next_review"]) == end_of_day(dt.date(2027, 5, 6))
    assert seed.retention_report(dt.date(2027, 5, 5)) == [
        "wesoft: 1 subjects checked, 0 due for erasure, 0 held, 0 due for review"
    ]
    assert seed.retention_report(dt.date(2027, 5, 6))[0] == (
        f"REVIEW wesoft {staying} rule=while_serving_requests due=2027-05-06: "
        "need to be reviewed every 6 months"
    )
    # At the next review the need has ended: erased then and there, as the sweep erases.
    seed.clock.set(vn_time(2027, 5, 7, 9, 0))
    ended = seed.dpo().review_retention(staying, "erase")
    assert (ended["outcome"], ended["next_review"]) == ("erase", None)
    remains = seed.remains(staying)
    assert (remains.tombstone, remains.values, remains.key) == (
        "review:while_serving_requests", 0, False,
    )  # fmt: skip
    assert remains.audit_actions[-2:] == ["retention.review", "subject.erase"]
