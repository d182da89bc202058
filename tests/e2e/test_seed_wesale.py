"""Wesale (seed 000, real-estate listings) keeps its promises through the API.

One walk through a member's life on the site: sellers and buyers register,
marketing email waits for the opt-in, the technical partner and the Police
get what they may, members check, correct and cancel their data, and the
retention rule erases closed accounts. Each step names the PROMISES.md line
it keeps (WS-n: the n-th bullet of section 000, see `tests.e2e.seeds`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from baomat.client import ApiError
from baomat.config import Settings
from tests.e2e.seeds import Seed, end_of_day, instant, open_seed, vn_time
from tests.files import pdf, png

pytestmark = pytest.mark.usefixtures("fast_passwords")

START = vn_time(2026, 2, 13, 16, 30)
"""A Friday afternoon, the last working day before the Tết holiday (Sat 14 - Sun 22 Feb)."""


@pytest.fixture
def seed(settings: Settings) -> Iterator[Seed]:
    with open_seed(settings, "wesale", START) as opened:
        yield opened


@dataclass(frozen=True)
class Member:
    id: str
    stored: dict[str, str]
    """The values as baomat stores them (E.164 phones, ISO dates)."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Attachment id → the file uploaded."""


def test_wesale_keeps_its_promises_through_the_api(seed: Seed) -> None:
    seller, buyer = _ws1_sellers_and_buyers_give_only_their_declared_fields(seed)
    _ws2_each_use_is_decided_with_its_reason_and_basis(seed, seller, buyer)
    _ws2_marketing_email_waits_for_the_opt_in(seed, buyer)
    _ws3_the_technical_partner_gets_only_its_contract_fields(seed, seller)
    _ws3_a_police_request_releases_nothing_until_a_second_dpo_approves(seed, seller)
    _ws5_the_member_checks_and_corrects_their_own_data(seed, seller)
    _ws5_staff_correct_a_buyers_phone_when_asked(seed, buyer)
    _ws4_the_member_cancels_and_nothing_of_them_can_be_read(seed, seller)
    _ws4_a_closed_account_is_kept_two_years_and_an_open_one_ten_at_most(seed, buyer)


def _ws1_sellers_and_buyers_give_only_their_declared_fields(seed: Seed) -> tuple[Member, Member]:
    """WS-1 [C] Two subject types. Seller: full name, address, phone, email, tax code, ID date
    and place of issue, the property's information, its legal documents (files). Buyer: full
    name, phone, email. Nothing else may be stored."""
    people, api = seed.people, seed.api
    phone, phone_e164 = people.mobile()
    personal_id = people.cccd(people.birth_date())
    form = {
        "full_name": people.name(),
        "address": people.address(),
        "phone": phone,
        "email": people.email(),
        "tax_code": personal_id,  # an individual's tax code is their 12-digit personal ID
        "id_issue_date": "15/06/2021",  # day first, as Vietnamese forms write it
        "id_issue_place": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        "property_info": "Nhà phố 4 tầng, 60 m², sổ hồng chính chủ. " + people.sentence(),
    }
    for required in ("full_name", "address", "phone", "email", "tax_code", "id_issue_date"):
        without = {k: v for k, v in form.items() if k != required}
        with pytest.raises(ApiError) as missing:
            api.create_subject("seller", without)
        assert (missing.value.status, missing.value.field) == (422, required)
    refused = [
        ({**form, "id_number": personal_id}, "id_number"),  # the ID number itself: not listed
        ({**form, "legal_documents": "so-hong.pdf"}, "legal_documents"),  # files are uploaded
        ({**form, "tax_code": "0110375725"}, "tax_code"),  # a wrong check digit
        ({**form, "phone": "0123 456"}, "phone"),
    ]
    for values, name in refused:
        with pytest.raises(ApiError) as bad:
            api.create_subject("seller", values)
        assert (bad.value.status, bad.value.code, bad.value.field) == (422, "invalid", name)
        assert values[name] not in str(bad.value)

    seller_id = api.create_subject("seller", form)
    stored = {**form, "phone": phone_e164, "id_issue_date": "2021-06-15"}
    assert api.read_subject(seller_id, "account_protection", ["tax_code", "id_issue_date"]) == {
        "tax_code": personal_id,
        "id_issue_date": "2021-06-15",
    }
    # The property's legal documents: files, stored encrypted, of the types the policy names.
    so_do = pdf("Giay chung nhan quyen su dung dat - thua dat so 112, to ban do so 7")
    document = api.upload_attachment(
        seller_id, "legal_documents", "sổ đỏ thửa 112.pdf", so_do, "application/pdf"
    )
    assert (document["field"], document["media_type"], document["size"]) == (
        "legal_documents", "application/pdf", len(so_do),
    )  # fmt: skip
    with pytest.raises(ApiError) as not_a_pdf:
        api.upload_attachment(seller_id, "legal_documents", "so-do.pdf", png(), "application/pdf")
    assert (not_a_pdf.value.status, not_a_pdf.value.field) == (422, "legal_documents")
    [listed] = api.attachments(seller_id)
    assert _same_instant(listed) == _same_instant(document)

    buyer_phone, buyer_e164 = people.mobile()
    buyer_form = {"full_name": people.name(), "phone": buyer_phone, "email": people.email()}
    for name, value in (("address", people.address()), ("tax_code", personal_id)):
        with pytest.raises(ApiError) as not_a_buyers:
            api.create_subject("buyer", {**buyer_form, name: value})
        assert (not_a_buyers.value.status, not_a_buyers.value.field) == (422, name)
    buyer_id = api.create_subject("buyer", buyer_form)
    buyer_stored = {**buyer_form, "phone": buyer_e164}
    # One account per email (the policy's `unique`), however it is capitalised: a second
    # buyer is refused naming the field only; a seller may share it (one may sell and buy).
    second = {**buyer_form, "email": buyer_form["email"].upper(), "phone": people.mobile()[0]}
    with pytest.raises(ApiError) as twice:
        api.create_subject("buyer", second)
    assert (twice.value.status, twice.value.code, twice.value.field) == (409, "conflict", "email")
    assert buyer_form["email"] not in str(twice.value)
    assert api.read_subject(buyer_id, "answer_questions", ["full_name", "phone", "email"]) == (
        buyer_stored
    )
    with pytest.raises(ApiError) as no_files:
        api.upload_attachment(buyer_id, "legal_documents", "a.pdf", so_do, "application/pdf")
    assert (no_files.value.status, no_files.value.field) == (422, "legal_documents")
    return Member(seller_id, stored, {document["id"]: so_do}), Member(buyer_id, buyer_stored)


def _ws2_each_use_is_decided_with_its_reason_and_basis(
    seed: Seed, seller: Member, buyer: Member
) -> None:
    """WS-2 [U] Purposes: fit listing content to the site's layout; technical support and
    dispute resolution; answer questions; ...; prevent account sabotage and impersonation;
    customer care; hand data to judicial agencies on legal request."""
    api = seed.api
    layout = api.decide(seller.id, "fit_listing_to_layout", ["property_info"])
    assert (layout["allowed"], layout["reason"], layout["legal_basis"]) == (
        True, "allowed", "contract",
    )  # fmt: skip
    assert layout["policy_version"] == 1
    assert layout["text_vi"] and layout["text_en"]
    refusals = [
        (buyer, "fit_listing_to_layout", ["full_name"], "purpose_not_for_subject_type"),
        (seller, "answer_questions", ["tax_code"], "field_not_in_purpose"),
        (seller, "resell_customer_lists", ["email"], "unknown_purpose"),
    ]
    for who, purpose, fields, reason in refusals:
        answer = api.decide(who.id, purpose, fields)
        assert (answer["allowed"], answer["reason"]) == (False, reason)
    # Reading goes through the same decision: no purpose that uses the field, no value.
    with pytest.raises(ApiError) as off_purpose:
        api.read_subject(seller.id, "answer_questions", ["tax_code"])
    assert (off_purpose.value.status, off_purpose.value.reason) == (422, "field_not_in_purpose")
    assert api.read_subject(seller.id, "customer_care", ["tax_code", "address"]) == {
        "tax_code": seller.stored["tax_code"],
        "address": seller.stored["address"],
    }
    [(document, content)] = seller.files.items()
    assert api.download_attachment(seller.id, document, "fit_listing_to_layout") == content
    with pytest.raises(ApiError) as not_for_care:
        api.download_attachment(seller.id, document, "customer_care")
    assert (not_for_care.value.status, not_for_care.value.field) == (422, "fields")


def _ws2_marketing_email_waits_for_the_opt_in(seed: Seed, buyer: Member) -> None:
    """WS-2 [U] marketing email only if the customer signed up (opt-in)."""
    api = seed.api
    before = api.decide(buyer.id, "marketing_email", ["full_name", "email"])
    assert (before["allowed"], before["reason"]) == (False, "no_consent")
    assert before["text_en"] == "The data subject has not consented to purpose 'marketing_email'."
    assert before["text_vi"] == "Chủ thể dữ liệu chưa đồng ý cho mục đích 'marketing_email'."
    with pytest.raises(ApiError) as unread:
        api.read_subject(buyer.id, "marketing_email", ["email"])
    assert (unread.value.status, unread.value.reason) == (403, "no_consent")

    seed.clock.advance(minutes=5)
    consent = seed.consent(buyer.id, "marketing_email", language="en")
    assert (consent["policy_version"], consent["channel"]) == (1, "web")
    during = api.decide(buyer.id, "marketing_email", ["full_name", "email"])
    assert (during["allowed"], during["legal_basis"]) == (True, "consent")
    assert api.read_subject(buyer.id, "marketing_email", ["email"]) == {
        "email": buyer.stored["email"]
    }
    # The opt-in covers the purpose's own fields, not the buyer's phone.
    by_phone = api.decide(buyer.id, "marketing_email", ["phone"])
    assert (by_phone["allowed"], by_phone["reason"]) == (False, "field_not_in_purpose")

    seed.clock.advance(minutes=40)
    withdrawn = api.withdraw_consent(buyer.id, "marketing_email")
    assert [c["id"] for c in withdrawn] == [consent["id"]]
    after = api.decide(buyer.id, "marketing_email", ["email"])
    assert (after["allowed"], after["reason"]) == (False, "consent_withdrawn")
    # Withdrawing marketing stops nothing else.
    assert api.decide(buyer.id, "answer_questions", ["email"])["allowed"] is True


def _ws3_the_technical_partner_gets_only_its_contract_fields(seed: Seed, seller: Member) -> None:
    """WS-3 [S] Never sold. Contracted partners receive only the fields their contract names."""
    api = seed.api
    released = api.disclose(seller.id, "technical_partner", "technical_support_and_disputes")
    # The purpose also uses the property's information; the contract names only these.
    assert released["fields"] == ["full_name", "phone", "email"]
    assert released["values"] == {f: seller.stored[f] for f in ("full_name", "phone", "email")}
    outside = api.decide(
        seller.id, "technical_support_and_disputes", ["property_info"], "technical_partner"
    )
    assert (outside["allowed"], outside["reason"]) == (False, "recipient_not_allowed_for_field")
    with pytest.raises(ApiError) as not_its_purpose:
        api.disclose(seller.id, "technical_partner", "customer_care")
    assert (not_its_purpose.value.status, not_its_purpose.value.reason) == (
        403, "recipient_not_for_purpose",
    )  # fmt: skip
    # Nobody else receives data routinely, and there is no buyer of data to name.
    for recipient in ("data_broker", "police_investigation"):
        with pytest.raises(ApiError) as refused:
            api.disclose(seller.id, recipient, "technical_support_and_disputes")
        assert (refused.value.status, refused.value.field) == (422, "recipient")


def _ws3_a_police_request_releases_nothing_until_a_second_dpo_approves(
    seed: Seed, seller: Member
) -> None:
    """WS-3 [S] State agencies on request, for an investigation; WS-2 [U] hand data to judicial
    agencies (Procuracy, Court, Police) on legal request."""
    seed.clock.advance(minutes=10)
    an, binh, lan = seed.dpo(), seed.second_dpo(), seed.support()
    fields = ["full_name", "phone", "tax_code", "property_info"]
    entered = an.record_authority_request(
        seller.id,
        "police_investigation",
        fields,
        body="police",
        document_number="128/CSĐT-ĐTTH",
        document_date=dt.date(2026, 2, 12),
    )
    assert (entered["status"], entered["released_at"], entered["requested_by"]) == (
        "pending_approval", None, "staff:dpo.an",
    )  # fmt: skip
    assert seller.stored["full_name"] not in str(entered)
    assert binh.pending() == [entered["id"]]
    # While the request waits, the seller's data may not be erased.
    with pytest.raises(ApiError) as held:
        seed.api.erase_subject(seller.id)
    assert held.value.status == 409

    lan.approve(entered["id"], status=403)  # support may take the letter in, never release
    an.approve(entered["id"], status=403)  # who entered it may not approve it
    approved = binh.approve(entered["id"])
    assert approved["values"] == {f: seller.stored[f] for f in fields}
    binh.approve(entered["id"], status=409)  # released once
    assert binh.pending() == []

    # A court's request kept from the subject, entered by support, approved by a dpo.
    seed.clock.advance(minutes=10)
    court = lan.record_authority_request(
        seller.id,
        "court",
        ["full_name", "address"],
        body="court",
        document_number="45/2026/QĐ-CCTLCC",
        document_date=dt.date(2026, 2, 13),
        confidential=True,
    )
    assert an.approve(court["id"])["values"] == {
        "full_name": seller.stored["full_name"],
        "address": seller.stored["address"],
    }
    # A request citing no basis the law allows without consent is refused as entered.
    binh.record_authority_request(
        seller.id,
        "procuracy",
        ["full_name"],
        body="procuracy",
        document_number="12/VKS",
        document_date=dt.date(2026, 2, 13),
        legal_basis="consent",
        status=422,
    )


def _ws5_the_member_checks_and_corrects_their_own_data(seed: Seed, seller: Member) -> None:
    """WS-5 [A] Member logs in to check, update, correct or cancel own data, on any device;
    and WS-3 [S]: the member sees who received their data, unless the law keeps it from them."""
    seed.clock.set(vn_time(2026, 2, 13, 18, 0))
    member = seed.member(seller.id)
    assert [(d["recipient"], d["status"]) for d in member.disclosures()] == [
        ("technical_partner", "released"),
        ("police_investigation", "released"),
    ]

    receipt = member.file_request("export")
    assert (receipt["kind"], receipt["channel"], receipt["state"]) == (
        "export", "self_service", "received",
    )  # fmt: skip
    # Decree 356 Art. 5 (law-91-2025): a copy within 10 days, ending Mon 23 Feb; 2 working
    # days to acknowledge would end after Tết on Tue 24 Feb, so it is due with the copy.
    assert instant(receipt["acknowledge_due"]) == end_of_day(dt.date(2026, 2, 23))
    assert instant(receipt["due_at"]) == end_of_day(dt.date(2026, 2, 23))
    export = member.export(receipt["id"])
    data = export.data
    assert data["subject"] == seller.id
    assert {v["field"]: v["value"] for v in data["data"]} == seller.stored
    assert [d["recipient"] for d in data["disclosures"]] == [
        "technical_partner", "police_investigation",
    ]  # fmt: skip
    assert any(e["purpose"] == "customer_care" for e in data["decisions"])
    assert set(export.csvs) == {"data.csv", "consents.csv", "disclosures.csv", "decisions.csv"}
    assert "court" not in export.csvs["disclosures.csv"]
    [attached] = data["attachments"]
    assert export.files[attached["file"]] == seller.files[attached["id"]]
    assert member.requests()[0]["state"] == "done"

    # The member corrects their own address in the account page: done at once, no staff step.
    new_address = seed.people.address()
    asked = {"fields": ["address"]}
    other_phone = {"phone": seed.people.mobile()[0]}
    refused = member.file_request("correct", asked, status=422, values=other_phone)
    assert refused["error"]["field"] == "phone"  # not a field the member asked to correct
    correction = member.file_request("correct", asked, values={"address": new_address})
    assert (correction["channel"], correction["state"]) == ("self_service", "done")
    assert correction["fields"] == ["address"]
    assert seed.support().queue() == []
    seller.stored["address"] = new_address
    assert seed.api.read_subject(seller.id, "special_cases_contact", ["address"]) == {
        "address": new_address
    }

    # The listing page updates the property through the website's backend, checked as at
    # registration: a required field stays, and a taken email is refused.
    listing = "Nhà phố 4 tầng, giá mới. " + seed.people.sentence()
    assert seed.api.update_subject(seller.id, {"property_info": listing}) == ["property_info"]
    seller.stored["property_info"] = listing
    for change, status in (({"tax_code": None}, 422), ({"address": "line\nbreak"}, 422)):
        with pytest.raises(ApiError) as refused_change:
            seed.api.update_subject(seller.id, change)
        assert (refused_change.value.status, refused_change.value.field) == (status, *change)
    other = seed.api.create_subject(
        "seller", {**seller.stored, "email": seed.people.email(), "property_info": ""}
    )
    with pytest.raises(ApiError) as taken:
        seed.api.update_subject(other, {"email": seller.stored["email"]})
    assert (taken.value.status, taken.value.field) == (409, "email")
    seed.api.erase_subject(other)


def _ws5_staff_correct_a_buyers_phone_when_asked(seed: Seed, buyer: Member) -> None:
    """WS-5 [A] ...; or asks staff to do it (staff verify who asks first)."""
    lan, an = seed.support(), seed.dpo()
    lan.enter_request(buyer.id, "correct", None, {"fields": ["phone"]}, status=422)
    request = lan.enter_request(buyer.id, "correct", "contact_confirmed", {"fields": ["phone"]})
    assert (request["channel"], request["state"]) == ("assisted", "received")
    # Once, with the reason the buyer is told, by at most the law's 10 more days.
    lan.extend(request["id"], "Cần xác minh số điện thoại mới với nhà mạng.", status=403)
    extended = an.extend(request["id"], "Cần xác minh số điện thoại mới với nhà mạng.")
    assert instant(extended["extended_due"]) == end_of_day(dt.date(2026, 3, 5))
    an.extend(request["id"], "Lần nữa.", status=409)

    new_phone, new_e164 = seed.people.mobile()
    assert lan.fulfil(request["id"], {"phone": new_phone})["request"]["state"] == "done"
    buyer.stored["phone"] = new_e164
    assert seed.api.read_subject(buyer.id, "answer_questions", ["phone"]) == {"phone": new_e164}


def _ws4_the_member_cancels_and_nothing_of_them_can_be_read(seed: Seed, seller: Member) -> None:
    """WS-4 [R] Kept until the member cancels (self-service) or asks for cancellation."""
    seed.clock.set(vn_time(2026, 2, 23, 8, 15))
    member = seed.member(seller.id)
    receipt = member.file_request("delete")
    # Carried out as filed, no staff step; the receipt still holds its deadlines: 2 working
    # days from Mon 23 Feb, and 20 days, whose last day, Sun 15 Mar, moves to Mon 16 Mar.
    assert instant(receipt["acknowledge_due"]) == end_of_day(dt.date(2026, 2, 25))
    assert instant(receipt["due_at"]) == end_of_day(dt.date(2026, 3, 16))
    # The 2-year minimum keep binds retention sweeps, never the member's own cancellation.
    assert (receipt["channel"], receipt["state"]) == ("self_service", "done")
    assert seed.support().queue() == []

    api = seed.api
    [document] = seller.files
    calls: list[Callable[[], object]] = [
        lambda: api.read_subject(seller.id, "customer_care", ["full_name"]),
        lambda: api.download_attachment(seller.id, document, "fit_listing_to_layout"),
        lambda: api.attachments(seller.id),
        lambda: api.decide(seller.id, "customer_care", ["full_name"]),
        lambda: api.disclose(seller.id, "technical_partner", "technical_support_and_disputes"),
        lambda: seed.consent(seller.id, "marketing_email"),
    ]
    for call in calls:
        with pytest.raises(ApiError) as gone:
            call()
        assert gone.value.status == 404
    member.call("GET", "/me/disclosures", 401)  # the member's session ended with the data
    assert seed.subject_login_status(seller.id) == 401
    seed.dpo().record_authority_request(
        seller.id,
        "police_investigation",
        ["full_name"],
        body="police",
        document_number="130/CSĐT",
        document_date=dt.date(2026, 2, 20),
        status=404,
    )
    remains = seed.remains(seller.id)
    assert (remains.status, remains.tombstone) == ("erased", f"request:{receipt['id']}")
    assert (remains.values, remains.files, remains.key) == (0, 0, False)
    # The audit trail stays: it names fields and purposes, never values.
    assert remains.audit_actions[0] == "subject.create"
    assert "subject.erase" in remains.audit_actions


def _ws4_a_closed_account_is_kept_two_years_and_an_open_one_ten_at_most(
    seed: Seed, buyer: Member
) -> None:
    """WS-4 [R] ...; storage capacity for at least 2 and at most 10 years."""
    people, api = seed.people, seed.api
    seed.clock.set(vn_time(2026, 3, 2, 10, 0))
    phone, _ = people.mobile()
    leaver = api.create_subject(
        "buyer", {"full_name": people.name(), "phone": phone, "email": people.email()}
    )
    seed.clock.set(vn_time(2026, 3, 9, 10, 0))
    api.close_account(leaver)
    with pytest.raises(ApiError) as twice:
        api.close_account(leaver)
    assert twice.value.status == 409

    # The buyer and the leaver are swept; the erased seller no longer is.
    report = seed.retention_report(dt.date(2028, 3, 1))
    assert report == ["wesale: 2 subjects checked, 0 due for erasure, 0 held, 0 due for review"]
    # Two years from registration on Mon 2 Mar 2026: due once Thu 2 Mar 2028 has ended.
    report = seed.retention_report(dt.date(2028, 3, 2))
    assert report == [
        f"WOULD ERASE wesale {leaver} rule=until_member_cancels due=2028-03-02: "
        "account closed; kept at least 2 years",
        "wesale: 2 subjects checked, 1 due for erasure, 0 held, 0 due for review",
    ]
    # Ten years from the buyer's registration on Fri 13 Feb 2026, though never closed.
    report = seed.retention_report(dt.date(2036, 2, 13))
    assert (
        f"WOULD ERASE wesale {buyer.id} rule=until_member_cancels due=2036-02-13: "
        "kept at most 10 years"
    ) in report

    seed.clock.set(vn_time(2028, 3, 3, 2, 0))  # the daily job, the night after
    swept = seed.retention_run()
    assert swept.erased == 1
    remains = seed.remains(leaver)
    assert (remains.status, remains.tombstone) == ("erased", "retention:until_member_cancels")
    assert (remains.values, remains.key) == (0, False)
    with pytest.raises(ApiError) as gone:
        api.read_subject(leaver, "answer_questions", ["email"])
    assert gone.value.status == 404
    # The buyer stays; the technical partner's contract ended on 31 Dec 2027.
    assert api.read_subject(buyer.id, "answer_questions", ["phone"]) == {
        "phone": buyer.stored["phone"]
    }
    ended = api.decide(
        buyer.id, "technical_support_and_disputes", ["full_name"], "technical_partner"
    )
    assert (ended["allowed"], ended["reason"]) == (False, "contract_expired")


def _same_instant(attachment: dict[str, object]) -> dict[str, object]:
    """The description with its time as an instant: the upload answer writes it in the clock's
    zone, the listing in UTC."""
    return {**attachment, "created_at": instant(str(attachment["created_at"]))}
