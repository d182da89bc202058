"""Clever Group (seed 003) keeps its promises through the API.

A user gives contact details and device data; the service is provided by
contract, personalisation and promotions wait for an opt-in; staff, partners
at home and abroad, shipping partners and authorities get what the policy
lets them; the user changes or deletes part or all of their data, and staff
help only someone who proves a legal right to it; data is kept while needed,
with a yearly review. Each step names the PROMISES.md line it keeps (CG-n:
the n-th bullet of section 003, see `tests.e2e.seeds`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from baomat.client import ApiError
from baomat.config import Settings
from tests.e2e.seeds import Seed, end_of_day, instant, open_seed, vn_time

pytestmark = pytest.mark.usefixtures("fast_passwords")

START = vn_time(2026, 10, 9, 14, 0)
"""Fri 9 Oct 2026, an ordinary Friday afternoon."""

CONTACT = ["email", "phone", "address", "full_name"]
DEVICE = ["device_name", "operating_system", "screen_size", "language"]


@pytest.fixture
def seed(settings: Settings) -> Iterator[Seed]:
    with open_seed(settings, "clevergroup", START) as opened:
        yield opened


def test_clevergroup_keeps_its_promises_through_the_api(seed: Seed) -> None:
    user, stored = _cg1_contact_details_and_device_data_enter_nothing_else(seed)
    _cg2_the_service_by_contract_personalisation_and_promotions_by_opt_in(seed, user, stored)
    _cg5_staff_partners_abroad_shipping_and_authorities_get_their_share(seed, user, stored)
    _cg4_the_user_changes_or_deletes_part_of_their_data_themselves(seed, user, stored)
    _cg4_staff_help_only_whom_proves_a_legal_right(seed, user, stored)
    _cg3_data_is_kept_while_needed_and_reviewed_yearly(seed, user)
    _cg4_the_user_deletes_all_their_data(seed, user)


def _cg1_contact_details_and_device_data_enter_nothing_else(
    seed: Seed,
) -> tuple[str, dict[str, str]]:
    """CG-1 [C] Email, phone, address, full name, other declared data; device name, operating
    system, screen size, language."""
    people = seed.people
    phone, e164 = people.mobile()
    form = {
        "email": people.email(),
        "phone": phone,
        "address": people.address(),
        "full_name": people.name(),
        "other_declared": "Quan tâm khóa học lập trình cho trẻ 8-10 tuổi.",
        "device_name": "Samsung Galaxy A54",
        "operating_system": "Android 14",
        "screen_size": "1080x2340",
        "language": "vi-VN",
    }
    for field, value in (("ip_address", "203.0.113.24"), ("location", "21.0285,105.8542")):
        with pytest.raises(ApiError) as undeclared:
            seed.api.create_subject("user", {**form, field: value})
        assert (undeclared.value.status, undeclared.value.field) == (422, field)
    with pytest.raises(ApiError) as bad_phone:
        seed.api.create_subject("user", {**form, "phone": "091234"})
    assert (bad_phone.value.status, bad_phone.value.field) == (422, "phone")

    user = seed.api.create_subject("user", form)
    stored = {**form, "phone": e164}
    every = [*CONTACT, "other_declared", *DEVICE]
    assert seed.api.read_subject(user, "provide_and_improve_service", every) == stored
    return user, stored


def _cg2_the_service_by_contract_personalisation_and_promotions_by_opt_in(
    seed: Seed, user: str, stored: dict[str, str]
) -> None:
    """CG-2 [U] Provide and improve the service; personalise and predict needs; introduce
    services and promotions."""
    api = seed.api
    service = api.decide(user, "provide_and_improve_service", CONTACT + DEVICE)
    assert (service["allowed"], service["legal_basis"]) == (True, "contract")
    for purpose, fields in (("personalisation", DEVICE), ("promotions", ["email", "phone"])):
        before = api.decide(user, purpose, fields)
        assert (before["allowed"], before["reason"]) == (False, "no_consent")
        seed.clock.advance(minutes=3)
        seed.consent(user, purpose, language="en")
        after = api.decide(user, purpose, fields)
        assert (after["allowed"], after["legal_basis"]) == (True, "consent")
    # Predicting needs works from what the user declared and the device, never the contact.
    profiling = api.decide(user, "personalisation", ["email"])
    assert (profiling["allowed"], profiling["reason"]) == (False, "field_not_in_purpose")
    assert api.read_subject(user, "promotions", ["email"]) == {"email": stored["email"]}


def _cg5_staff_partners_abroad_shipping_and_authorities_get_their_share(
    seed: Seed, user: str, stored: dict[str, str]
) -> None:
    """CG-5 [S] Employees and departments serving the customer contract; subsidiaries,
    affiliates and partners inside and outside Vietnam (a cross-border transfer); shipping
    partners for delivery; authorities on request."""
    api = seed.api
    staff = api.decide(user, "personalisation", DEVICE, "staff_and_departments")
    assert staff["allowed"] is True
    seed.clock.advance(minutes=5)
    abroad = api.disclose(user, "group_companies_and_partners", "provide_and_improve_service")
    assert abroad["values"] == {f: stored[f] for f in CONTACT}  # no device data, no notes
    seed.clock.advance(minutes=5)
    shipping = api.disclose(user, "shipping_partners", "delivery")
    assert shipping["values"] == {f: stored[f] for f in ("full_name", "address", "phone")}
    for recipient, purpose, reason in (
        ("shipping_partners", "provide_and_improve_service", "recipient_not_for_purpose"),
        ("group_companies_and_partners", "promotions", "recipient_not_for_purpose"),
    ):
        with pytest.raises(ApiError) as refused:
            api.disclose(user, recipient, purpose)
        assert (refused.value.status, refused.value.reason) == (403, reason)

    seed.clock.advance(minutes=5)
    an, binh = seed.dpo(), seed.second_dpo()
    # The authorities' purpose uses no device data.
    an.record_authority_request(
        user,
        "state_agencies",
        ["email", "device_name"],
        body="police",
        document_number="204/ANM",
        document_date=dt.date(2026, 10, 8),
        status=422,
    )
    request = an.record_authority_request(
        user,
        "state_agencies",
        ["email", "phone"],
        body="police",
        document_number="204/ANM",
        document_date=dt.date(2026, 10, 8),
    )
    an.approve(request["id"], status=403)
    assert binh.approve(request["id"])["values"] == {f: stored[f] for f in ("email", "phone")}

    listed = seed.member(user).disclosures()
    assert [d["recipient"] for d in listed] == [
        "group_companies_and_partners", "shipping_partners", "state_agencies",
    ]  # fmt: skip


def _cg4_the_user_changes_or_deletes_part_of_their_data_themselves(
    seed: Seed, user: str, stored: dict[str, str]
) -> None:
    """CG-4 [A] Self-service change or deletion of part or all data in the account page; ..."""
    seed.clock.set(vn_time(2026, 10, 9, 16, 0))
    member, lan = seed.member(user), seed.support()
    new_address = seed.people.address()
    change = member.file_request(
        "correct",
        {"fields": ["address", "other_declared"]},
        values={"address": new_address, "other_declared": ""},
    )
    # Carried out as filed; the receipt keeps its deadlines: acknowledged by Tue 13 Oct
    # (2 working days), done within 10 days: Mon 19 Oct.
    assert (change["channel"], change["state"]) == ("self_service", "done")
    assert instant(change["acknowledge_due"]) == end_of_day(dt.date(2026, 10, 13))
    assert instant(change["due_at"]) == end_of_day(dt.date(2026, 10, 19))
    assert lan.queue() == []
    stored["address"] = new_address
    del stored["other_declared"]
    assert seed.api.read_subject(user, "provide_and_improve_service", ["address"]) == {
        "address": new_address
    }
    assert seed.api.read_subject(user, "personalisation", ["other_declared", "language"]) == {
        "language": stored["language"]
    }

    objection = member.file_request("object", {"purpose": "promotions"})
    # 15 days end on Sat 24 Oct, moved to Mon 26 Oct; carried out as filed.
    assert instant(objection["due_at"]) == end_of_day(dt.date(2026, 10, 26))
    assert objection["state"] == "done"
    objected = seed.api.decide(user, "promotions", ["email"])
    assert (objected["allowed"], objected["reason"]) == (False, "subject_objected")
    assert seed.api.decide(user, "personalisation", DEVICE)["allowed"] is True

    # An objection to the service the user signed up for waits for staff, who refuse it with
    # the reason the user sees.
    against_service = member.file_request("object", {"purpose": "provide_and_improve_service"})
    assert against_service["state"] == "received"
    assert [r["id"] for r in lan.queue()] == [against_service["id"]]
    reason = "Dịch vụ theo hợp đồng cần các dữ liệu này; bạn có thể yêu cầu xóa tài khoản."
    lan.refuse(against_service["id"], reason, status=403)  # only a dpo refuses
    seed.dpo().refuse(against_service["id"], reason)
    told = {r["id"]: r for r in member.requests()}[against_service["id"]]
    assert (told["state"], told["refusal_reason"]) == ("refused", reason)
    assert seed.api.decide(user, "provide_and_improve_service", ["email"])["allowed"] is True


def _cg4_staff_help_only_whom_proves_a_legal_right(
    seed: Seed, user: str, stored: dict[str, str]
) -> None:
    """CG-4 [A] ...; staff help on request, but the requester must prove a legal right to the
    data."""
    lan = seed.support()
    for method in (None, "document_checked", "contact_confirmed"):
        refused = lan.enter_request(user, "access", method, status=422)
        assert refused["error"]["field"] == "identity_method"
    assert "legal_right" in refused["error"]["rule"]
    access = lan.enter_request(user, "access", "legal_right_proven")
    report = lan.fulfil(access["id"])["report"]
    assert {v["field"]: v["value"] for v in report["data"]} == stored
    assert [c["purpose"] for c in report["consents"]] == ["personalisation", "promotions"]
    abroad = report["disclosures"][0]
    assert (abroad["recipient"], abroad["fields"]) == ("group_companies_and_partners", CONTACT)
    assert "ngoài thị trường Việt Nam" in abroad["recipient_name"]  # in the policy's first language


def _cg3_data_is_kept_while_needed_and_reviewed_yearly(seed: Seed, user: str) -> None:
    """CG-3 [R] Kept until the user asks for deletion or the company deems it unneeded
    (reviewed every 12 months: the policy's reading)."""
    seed.clock.set(vn_time(2026, 10, 12, 9, 0))
    visitor = seed.api.create_subject("user", {"email": seed.people.email()})
    # A year from Fri 9 Oct 2026 ends on Sat 9 Oct 2027, moved to Mon 11 Oct; the visitor,
    # registered on Mon 12 Oct 2026, is not due yet.
    report = seed.retention_report(dt.date(2027, 10, 11))
    assert report == [
        f"REVIEW clevergroup {user} rule=until_deleted_or_unneeded "
        "due=2027-10-11: need to be reviewed every 12 months",
        "clevergroup: 2 subjects checked, 0 due for erasure, 0 held, 1 due for review",
    ]
    # The company deems the visitor's data unneeded once the account closes.
    seed.clock.set(vn_time(2026, 11, 2, 9, 0))
    seed.api.close_account(visitor)
    seed.clock.set(vn_time(2026, 11, 3, 2, 0))
    assert seed.retention_run().erased == 1
    assert seed.remains(visitor).tombstone == "retention:until_deleted_or_unneeded"

    # A dpo reviews the user's need early, on Tue 3 Nov: still needed, so the next review
    # falls a year from then, Wed 3 Nov 2027, and none is due before it.
    seed.clock.set(vn_time(2026, 11, 3, 8, 0))
    seed.support().review_retention(user, "keep", status=403)  # a dpo decides the need
    kept = seed.dpo().review_retention(user, "keep")
    assert (kept["outcome"], kept["rule"]) == ("keep", "until_deleted_or_unneeded")
    assert instant(kept["next_review"]) == end_of_day(dt.date(2027, 11, 3))
    assert seed.retention_report(dt.date(2027, 11, 2)) == [
        "clevergroup: 1 subjects checked, 0 due for erasure, 0 held, 0 due for review"
    ]
    assert seed.retention_report(dt.date(2027, 11, 3))[0] == (
        f"REVIEW clevergroup {user} rule=until_deleted_or_unneeded "
        "due=2027-11-03: need to be reviewed every 12 months"
    )


def _cg4_the_user_deletes_all_their_data(seed: Seed, user: str) -> None:
    """CG-4 [A] Self-service ... deletion of ... all data in the account page."""
    seed.clock.set(vn_time(2026, 11, 3, 9, 0))
    member = seed.member(user)
    deletion = member.file_request("delete")
    assert (deletion["state"], seed.support().queue()) == ("done", [])
    with pytest.raises(ApiError) as gone:
        seed.api.read_subject(user, "provide_and_improve_service", ["email"])
    assert gone.value.status == 404
    with pytest.raises(ApiError) as no_partner:
        seed.api.disclose(user, "shipping_partners", "delivery")
    assert no_partner.value.status == 404
    member.call("GET", "/me/requests", 401)
    remains = seed.remains(user)
    assert (remains.status, remains.tombstone) == ("erased", f"request:{deletion['id']}")
    assert (remains.values, remains.key) == (0, False)
