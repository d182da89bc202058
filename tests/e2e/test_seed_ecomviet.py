"""ecomviet (seed 004, E-commerce Development Center) keeps its promises through the API.

A customer asks for a consultation with the four fields it needs; data is used
for confirming and serving the request, and for marketing only with an opt-in;
vsign.vn and the trusted partner get their fields for the stated purposes;
every request goes through the site's administrators; data is kept until the
customer asks for cancellation. Each step names the PROMISES.md line it keeps
(EC-n: the n-th bullet of section 004, see `tests.e2e.seeds`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from baomat.client import ApiError
from baomat.config import Settings
from tests.e2e.seeds import Seed, end_of_day, instant, open_seed, vn_time

pytestmark = pytest.mark.usefixtures("fast_passwords")

START = vn_time(2026, 12, 31, 10, 0)
"""Thu 31 Dec 2026, the day before the New Year holiday."""

CONTACT = ["full_name", "phone", "email"]


@pytest.fixture
def seed(settings: Settings) -> Iterator[Seed]:
    with open_seed(settings, "ecomviet", START) as opened:
        yield opened


def test_ecomviet_keeps_its_promises_through_the_api(seed: Seed) -> None:
    customer, stored = _ec1_a_consultation_request_holds_what_it_needs(seed)
    _ec2_data_serves_the_request_and_marketing_waits_for_an_opt_in(seed, customer)
    _ec3_vsign_and_trusted_partners_get_their_fields_for_the_stated_purposes(seed, customer, stored)
    _ec2_judicial_requests_are_released_by_a_second_dpo(seed, customer, stored)
    _ec5_requests_go_only_through_the_administrators(seed, customer, stored)
    _ec4_data_is_kept_until_the_customer_asks_for_cancellation(seed, customer)


def _ec1_a_consultation_request_holds_what_it_needs(seed: Seed) -> tuple[str, dict[str, str]]:
    """EC-1 [C] Data needed to request consultation or buy a service, confirmed back to the
    customer."""
    people = seed.people
    phone, e164 = people.mobile()
    form = {
        "full_name": people.name(),
        "phone": phone,
        "email": people.email(),
        "request_details": "Tư vấn chữ ký số cho hộ kinh doanh.\nLiên hệ sau 17 giờ.",
    }
    for field in form:
        with pytest.raises(ApiError) as missing:
            seed.api.create_subject("customer", {k: v for k, v in form.items() if k != field})
        assert (missing.value.status, missing.value.field) == (422, field)
    for field, value in (("address", people.address()), ("birth_date", "1990-01-01")):
        with pytest.raises(ApiError) as unasked:
            seed.api.create_subject("customer", {**form, field: value})
        assert (unasked.value.status, unasked.value.field) == (422, field)

    customer = seed.api.create_subject("customer", form)
    stored = {**form, "phone": e164}
    # The center calls back to confirm the request: exactly what the customer sent.
    confirm = seed.api.decide(customer, "transaction_confirmation", list(form))
    assert (confirm["allowed"], confirm["legal_basis"]) == (True, "contract")
    assert seed.api.read_subject(customer, "transaction_confirmation", list(form)) == stored
    return customer, stored


def _ec2_data_serves_the_request_and_marketing_waits_for_an_opt_in(
    seed: Seed, customer: str
) -> None:
    """EC-2 [U] Guidance; related service information on request; marketing email; website
    notices; special cases; never beyond confirmation and contact for the transaction; ..."""
    api = seed.api
    for purpose in ("guidance", "website_notices", "special_cases_contact"):
        assert api.decide(customer, purpose, ["full_name", "email"])["allowed"] is True, purpose
    for purpose in ("related_service_information", "marketing_email"):
        before = api.decide(customer, purpose, ["email"])
        assert (before["allowed"], before["reason"]) == (False, "no_consent")
    beyond = [
        ("website_notices", ["request_details"], "field_not_in_purpose"),
        ("marketing_email", ["request_details"], "field_not_in_purpose"),
        ("customer_profiling", ["email"], "unknown_purpose"),
    ]
    for purpose, fields, reason in beyond:
        answer = api.decide(customer, purpose, fields)
        assert (answer["allowed"], answer["reason"]) == (False, reason)

    seed.clock.advance(minutes=15)
    seed.consent(customer, "related_service_information")  # the customer asked for it
    related = api.decide(customer, "related_service_information", CONTACT)
    assert (related["allowed"], related["legal_basis"]) == (True, "consent")
    marketing = api.decide(customer, "marketing_email", ["email"])
    assert (marketing["allowed"], marketing["reason"]) == (False, "no_consent")
    seed.clock.advance(hours=3)  # later, the customer signs up for the newsletter too
    seed.consent(customer, "marketing_email", language="en")
    assert api.decide(customer, "marketing_email", ["email"])["allowed"] is True


def _ec3_vsign_and_trusted_partners_get_their_fields_for_the_stated_purposes(
    seed: Seed, customer: str, stored: dict[str, str]
) -> None:
    """EC-3 [S] The center's management and departments; the integrated third party vsign.vn
    (digital signatures); trusted third parties bound to the stated purposes; never rented or
    sold."""
    api = seed.api
    internal = api.decide(customer, "marketing_email", ["email"], "management_and_departments")
    assert internal["allowed"] is True
    contact = {f: stored[f] for f in CONTACT}
    vsign = api.disclose(customer, "vsign", "transaction_confirmation")
    assert (vsign["fields"], vsign["values"]) == (CONTACT, contact)  # never the request itself
    seed.clock.advance(minutes=1)
    trusted = api.disclose(customer, "trusted_third_parties", "guidance")
    assert (trusted["fields"], trusted["values"]) == (CONTACT, contact)
    for recipient in ("vsign", "trusted_third_parties"):
        with pytest.raises(ApiError) as unstated:
            api.disclose(customer, recipient, "marketing_email")
        assert (unstated.value.status, unstated.value.reason) == (
            403, "recipient_not_for_purpose",
        )  # fmt: skip
    with pytest.raises(ApiError) as no_such:
        api.disclose(customer, "list_buyer", "guidance")
    assert (no_such.value.status, no_such.value.field) == (422, "recipient")


def _ec2_judicial_requests_are_released_by_a_second_dpo(
    seed: Seed, customer: str, stored: dict[str, str]
) -> None:
    """EC-2 [U] ...; judicial requests."""
    seed.clock.advance(minutes=15)
    an, binh, lan = seed.dpo(), seed.second_dpo(), seed.support()
    request = lan.record_authority_request(
        customer,
        "court",
        ["full_name", "request_details"],
        body="court",
        document_number="88/2026/QĐ-TA",
        document_date=dt.date(2026, 12, 30),
    )
    seed.clock.advance(minutes=1)
    assert seed.api.disclose(customer, "vsign", "guidance")["fields"] == CONTACT  # still served
    lan.approve(request["id"], status=403)
    assert an.pending() == [request["id"]]
    assert an.approve(request["id"])["values"] == {
        "full_name": stored["full_name"],
        "request_details": stored["request_details"],
    }
    binh.approve(request["id"], status=409)


def _ec5_requests_go_only_through_the_administrators(
    seed: Seed, customer: str, stored: dict[str, str]
) -> None:
    """EC-5 [A] Only through the site's administrators (assisted, not self-service)."""
    seed.clock.advance(minutes=15)
    member = seed.member(customer)
    refused = member.file_request("correct", {"fields": ["email"]}, status=403)
    assert "only through its staff" in refused["error"]["message"]
    assert member.requests() == []

    lan = seed.support()
    lan.enter_request(customer, "correct", None, {"fields": ["email"]}, status=422)
    lan.enter_request(customer, "correct", "asked_nicely", {"fields": ["email"]}, status=422)
    correction = lan.enter_request(customer, "correct", "contact_confirmed", {"fields": ["email"]})
    assert correction["channel"] == "assisted"
    # Acknowledged within 2 working days, Mon 4 and Tue 5 Jan after New Year's Day; corrected
    # within 10 days, ending Sun 10 Jan, moved to Mon 11 Jan.
    assert instant(correction["acknowledge_due"]) == end_of_day(dt.date(2027, 1, 5))
    assert instant(correction["due_at"]) == end_of_day(dt.date(2027, 1, 11))
    bad = lan.fulfil(correction["id"], {"email": "khong-phai-email"}, status=422)
    assert bad["error"]["field"] == "email"
    new_email = seed.people.email()
    assert lan.fulfil(correction["id"], {"email": new_email})["request"]["state"] == "done"
    stored["email"] = new_email
    assert seed.api.read_subject(customer, "guidance", ["email"]) == {"email": new_email}

    # A copy of the data, asked for by phone: staff enter it, the customer downloads it.
    export = lan.enter_request(customer, "export", "document_checked")
    lan.fulfil(export["id"], status=422)  # an export is the customer's own download
    copy = member.export(export["id"])
    data = copy.data
    assert {v["field"]: v["value"] for v in data["data"]} == stored
    assert [c["purpose"] for c in data["consents"]] == [
        "related_service_information", "marketing_email",
    ]  # fmt: skip
    assert [d["recipient"] for d in data["disclosures"]] == [
        "vsign", "trusted_third_parties", "court", "vsign",
    ]  # fmt: skip
    assert "ip" not in data["consents"][0] and "203.0.113.24" not in str(data)
    assert "request_details" in copy.csvs["data.csv"]
    assert [r["state"] for r in member.requests()] == ["done", "done"]


def _ec4_data_is_kept_until_the_customer_asks_for_cancellation(seed: Seed, customer: str) -> None:
    """EC-4 [R] Kept until the customer asks for cancellation."""
    api, people = seed.api, seed.people
    phone, _ = people.mobile()
    staying = api.create_subject(
        "customer",
        {"full_name": people.name(), "phone": phone, "email": people.email(),
         "request_details": "Mua gói chứng thư số 1 năm."},
    )  # fmt: skip
    # Never erased by time alone: no retention period ends it.
    assert seed.retention_report(dt.date(2036, 12, 31)) == [
        "ecomviet: 2 subjects checked, 0 due for erasure, 0 held, 0 due for review"
    ]

    lan = seed.support()
    cancel = lan.enter_request(customer, "delete", "contact_confirmed")
    # Deleted within 20 days of Thu 31 Dec: Wed 20 Jan 2027.
    assert instant(cancel["due_at"]) == end_of_day(dt.date(2027, 1, 20))
    assert lan.fulfil(cancel["id"])["request"]["state"] == "done"
    for call in (
        lambda: api.read_subject(customer, "guidance", ["email"]),
        lambda: api.decide(customer, "marketing_email", ["email"]),
        lambda: api.disclose(customer, "vsign", "guidance"),
        lambda: api.withdraw_consent(customer, "marketing_email"),
    ):
        with pytest.raises(ApiError) as gone:
            call()
        assert gone.value.status == 404
    remains = seed.remains(customer)
    assert (remains.status, remains.tombstone) == ("erased", f"request:{cancel['id']}")
    assert (remains.values, remains.key) == (0, False)

    # A customer who cancels the account itself on the site is erased by the next sweep.
    seed.clock.set(vn_time(2027, 3, 1, 10, 0))
    api.close_account(staying)
    assert seed.retention_report(dt.date(2027, 3, 1))[0] == (
        f"WOULD ERASE ecomviet {staying} rule=until_customer_cancels due=2027-03-01: account closed"
    )
    seed.clock.set(vn_time(2027, 3, 2, 2, 0))
    assert seed.retention_run().erased == 1
    assert seed.remains(staying).tombstone == "retention:until_customer_cancels"
