"""The five example policy files keep the promises of their seeds.

Each test maps one line of `shared/seeds/PROMISES.md` (its docstring) to what
the file holds. Promises the format cannot hold have no test here; they are
listed in `docs/policy-format.md`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from baomat.policy.model import (
    AccessMode,
    ChangeNoticeMode,
    ChannelKind,
    ConsentMode,
    IdentityProof,
    LegalBasis,
    LocalText,
    Policy,
    Recipient,
    RecipientKind,
    RetentionTrigger,
    Sensitivity,
    TimeUnit,
)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "policies"
SEEDS = ROOT / "tests" / "data" / "seeds"
"""The seed texts, kept with the tests as `<tenant>.txt` (see its README)."""
TENANTS = ("wesale", "wesoft", "wecan", "clevergroup", "ecomviet")


def _loader() -> Callable[[Path], Policy]:
    """The real loader once it exists; until then the model alone."""
    try:
        from baomat.policy.loader import load_policy
    except ImportError:

        def load_policy(path: Path) -> Policy:
            return Policy.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))

    return load_policy


@pytest.fixture(scope="module")
def policies() -> dict[str, Policy]:
    load = _loader()
    return {tenant: load(EXAMPLES / f"{tenant}.yaml") for tenant in TENANTS}


@pytest.fixture
def wesale(policies: dict[str, Policy]) -> Policy:
    return policies["wesale"]


@pytest.fixture
def wesoft(policies: dict[str, Policy]) -> Policy:
    return policies["wesoft"]


@pytest.fixture
def wecan(policies: dict[str, Policy]) -> Policy:
    return policies["wecan"]


@pytest.fixture
def clevergroup(policies: dict[str, Policy]) -> Policy:
    return policies["clevergroup"]


@pytest.fixture
def ecomviet(policies: dict[str, Policy]) -> Policy:
    return policies["ecomviet"]


def _seed_text(tenant: str) -> str:
    return unicodedata.normalize("NFC", (SEEDS / f"{tenant}.txt").read_text(encoding="utf-8"))


def _field_ids(policy: Policy, type_id: str) -> list[str]:
    subject_type = policy.subject_type(type_id)
    assert subject_type is not None
    return [f.id for f in subject_type.fields]


def _recipient(policy: Policy, recipient_id: str) -> Recipient:
    recipient = policy.recipient(recipient_id)
    assert recipient is not None, recipient_id
    return recipient


def _purpose_ids(policy: Policy) -> set[str]:
    return {p.id for p in policy.purposes}


def _purpose_fields(policy: Policy, purpose_ids: list[str]) -> set[str]:
    return {f for p in policy.purposes if p.id in purpose_ids for f in p.fields}


def _opt_in_fields(policy: Policy) -> set[str]:
    return {f for p in policy.purposes if p.consent is ConsentMode.OPT_IN for f in p.fields}


def _measures(policy: Policy) -> set[str]:
    return {m.id for m in policy.security.measures}


# --- every example ------------------------------------------------------------


@pytest.mark.parametrize("tenant", TENANTS)
def test_every_example_is_named_after_its_tenant_at_version_one(
    policies: dict[str, Policy], tenant: str
) -> None:
    policy = policies[tenant]
    assert (policy.format, policy.tenant, policy.version) == ("baomat/policy@1", tenant, 1)
    assert policy.law_profile == "law-91-2025"
    assert policy.languages == ["vi", "en"]


def test_one_account_per_email_where_the_seed_names_an_account(
    policies: dict[str, Policy],
) -> None:
    """Wesale members log in, Wecan members register, Clever Group users have an account page:
    their email is unique per type. WeSoft's contacts and ecomviet's requests name no account."""
    unique = {
        (tenant, st.id, f.id)
        for tenant, policy in policies.items()
        for st in policy.subject_types
        for f in st.fields
        if f.unique
    }
    assert unique == {
        ("wesale", "seller", "email"),
        ("wesale", "buyer", "email"),
        ("wecan", "member", "email"),
        ("clevergroup", "user", "email"),
    }


@pytest.mark.parametrize("tenant", TENANTS)
def test_every_field_is_used_by_some_purpose(policies: dict[str, Policy], tenant: str) -> None:
    policy = policies[tenant]
    used = {f for p in policy.purposes for f in p.fields}
    assert policy.field_ids() - used == set()


@pytest.mark.parametrize("tenant", TENANTS)
def test_every_sensitive_field_is_used_by_an_opt_in_purpose(
    policies: dict[str, Policy], tenant: str
) -> None:
    policy = policies[tenant]
    sensitive = {
        f.id
        for t in policy.subject_types
        for f in t.fields
        if f.sensitivity is Sensitivity.SENSITIVE
    }
    assert sensitive - _opt_in_fields(policy) == set()


def _texts(node: object, path: str = "") -> Iterator[tuple[str, LocalText]]:
    if isinstance(node, LocalText):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _texts(item, f"{path}[{i}]")


def _has_vietnamese_letters(text: str) -> bool:
    return any(ch.isalpha() and not ch.isascii() for ch in text)


@pytest.mark.parametrize("tenant", TENANTS)
def test_every_text_is_written_in_vietnamese_and_in_english(
    policies: dict[str, Policy], tenant: str
) -> None:
    texts = list(_texts(policies[tenant]))
    assert texts
    for path, text in texts:
        assert text.vi.strip() and text.en.strip(), path
        assert not _has_vietnamese_letters(text.en), f"{path}: en is not English: {text.en}"
        # names and labels may read alike in both languages; sentences may not
        if len(text.en.split()) > 4:
            assert text.vi != text.en, f"{path}: vi is a copy of en"
            assert _has_vietnamese_letters(text.vi), f"{path}: vi is not Vietnamese: {text.vi}"


SEED_CONTACTS: dict[str, dict[str, object]] = {
    "wesale": {
        "name": "WESALE Group Joint Stock Company",
        "tax_code": "0110375724",
        "address": "9th Floor Diamond Flower Tower, 48 Le Van Luong, Nhan Chinh Ward, "
        "Thanh Xuan District, Hanoi, Vietnam.",
        "phones": ["0974063482"],
        "emails": [],
        "website": None,
    },
    "wesoft": {
        "name": "Cty TNHH WeGroup Holdings",
        "tax_code": None,
        "address": "Phòng L17-11, Tòa nhà Vincom Center, Số 72 Lê Thánh Tôn, "
        "Phường Bến Nghé, Quận 1, Tp. Hồ Chí Minh",
        "phones": [],
        "emails": [],
        "website": "https://wesoft.vn",
    },
    "wecan": {
        "name": "Công ty TNHH Dịch vụ Thoại Phong",
        "tax_code": "0315224638",
        "address": "Tầng 3 - Tầng 7 Tòa nhà Blue Diamond số Y1 Đường Hồng Lĩnh Cư xá Bắc Hải, "
        "Phường 15, Quận 10, Thành phố Hồ Chí Minh",
        "phones": ["(028)38503852"],
        "emails": ["thoaiphong@wecan.com.vn"],
        "website": "https://www.wecan.com.vn/",
    },
    "clevergroup": {
        "name": "Clever Group",
        "tax_code": "0102850165",
        "address": "3rd floor, G1 building, Five Star building No. 2 Kim Giang, Ward Kim Giang, "
        "Thanh Xuan District, Hanoi City.",
        "phones": [],
        "emails": [],
        "website": None,
    },
    "ecomviet": {
        "name": "Trung tâm Phát triển thương mại điện tử",
        "tax_code": None,
        "address": "25 Ngô Quyền - Quận Hoàn Kiếm - Hà Nội",
        "phones": ["024 222 05513"],
        "emails": ["dangkyca@ecomviet.vn"],
        "website": None,
    },
}
SEED_LANGUAGE = {
    "wesale": "en",
    "wesoft": "vi",
    "wecan": "vi",
    "clevergroup": "en",
    "ecomviet": "vi",
}


@pytest.mark.parametrize("tenant", TENANTS)
def test_organisation_contacts_equal_the_seeds(policies: dict[str, Policy], tenant: str) -> None:
    org = policies[tenant].organisation
    lang = SEED_LANGUAGE[tenant]
    held = {
        "name": org.name.in_(lang),
        "tax_code": org.tax_code,
        "address": org.address.in_(lang),
        "phones": org.phones,
        "emails": org.emails,
        "website": org.website,
    }
    assert held == SEED_CONTACTS[tenant]
    assert org.legal_representative is None


@pytest.mark.parametrize("tenant", TENANTS)
def test_organisation_contacts_appear_verbatim_in_the_seed(
    policies: dict[str, Policy], tenant: str
) -> None:
    seed = _seed_text(tenant).lower()
    org = policies[tenant].organisation
    lang = SEED_LANGUAGE[tenant]
    quoted = [org.name.in_(lang), org.address.in_(lang), org.tax_code, *org.phones, *org.emails]
    for value in quoted:
        if value is not None:
            assert unicodedata.normalize("NFC", value).lower() in seed, value
    if org.website is not None:
        host = org.website.removeprefix("https://").removesuffix("/")
        assert host in seed, org.website


def test_wecan_leaves_out_its_legal_representative(wecan: Policy) -> None:
    """The legal representative is a private person: the file keeps them out."""
    seed = _seed_text("wecan")
    line = next(ln for ln in seed.splitlines() if "Người đại diện theo pháp luật" in ln)
    person = line.split(":", 1)[1].strip()
    assert person
    assert person not in (EXAMPLES / "wecan.yaml").read_text(encoding="utf-8")
    assert wecan.organisation.legal_representative is None


# --- 000 Wesale ---------------------------------------------------------------


def test_wesale_seller_holds_exactly_the_fields_the_seed_lists(wesale: Policy) -> None:
    """[C] Seller: full name, address, phone, email, tax code, ID date and place of issue, the
    property's information, its legal documents (files). Nothing else may be stored."""
    assert _field_ids(wesale, "seller") == [
        "full_name",
        "address",
        "phone",
        "email",
        "tax_code",
        "id_issue_date",
        "id_issue_place",
        "property_info",
        "legal_documents",
    ]


def test_wesale_legal_documents_are_files(wesale: Policy) -> None:
    """[C] Seller: ... the property's information, its legal documents (files)."""
    documents = wesale.field("seller", "legal_documents")
    assert documents is not None
    assert documents.type == "file"
    assert documents.file is not None


def test_wesale_buyer_holds_only_name_phone_email(wesale: Policy) -> None:
    """[C] Buyer: full name, phone, email. Nothing else may be stored."""
    assert _field_ids(wesale, "buyer") == ["full_name", "phone", "email"]
    assert [t.id for t in wesale.subject_types] == ["seller", "buyer"]


def test_wesale_purposes_are_the_ones_the_seed_names(wesale: Policy) -> None:
    """[U] Purposes: fit listing content to the site's layout; technical support and dispute
    resolution; answer questions; marketing email only if the customer signed up (opt-in);
    prevent account sabotage and impersonation; customer care; hand data to judicial agencies
    (Procuracy, Court, Police) on legal request."""
    assert _purpose_ids(wesale) == {
        "fit_listing_to_layout",
        "technical_support_and_disputes",
        "answer_questions",
        "marketing_email",
        "account_protection",
        "special_cases_contact",  # in the seed ("special cases"), not in PROMISES.md
        "customer_care",
        "judicial_requests",
    }


def test_wesale_fits_only_sellers_listings_to_the_layout(wesale: Policy) -> None:
    """[U] fit listing content to the site's layout."""
    layout = wesale.purpose("fit_listing_to_layout")
    assert layout is not None
    assert layout.subject_types == ["seller"]
    assert set(layout.fields) == {"property_info", "legal_documents"}


def test_wesale_marketing_email_needs_opt_in(wesale: Policy) -> None:
    """[U] marketing email only if the customer signed up (opt-in)."""
    marketing = wesale.purpose("marketing_email")
    assert marketing is not None
    assert marketing.consent is ConsentMode.OPT_IN
    assert marketing.legal_basis is LegalBasis.CONSENT
    assert marketing.channels == ["email"]


def test_wesale_hands_data_to_judicial_agencies_only_on_legal_request(wesale: Policy) -> None:
    """[U] hand data to judicial agencies (Procuracy, Court, Police) on legal request."""
    judicial = wesale.purpose("judicial_requests")
    assert judicial is not None
    assert judicial.legal_basis is LegalBasis.LEGAL_OBLIGATION
    for agency in ("procuracy", "court", "police_investigation"):
        recipient = _recipient(wesale, agency)
        assert recipient.kind is RecipientKind.STATE_AGENCY
        assert recipient.on_request_only
        assert recipient.purposes == ["judicial_requests"]


def test_wesale_contracted_partner_receives_only_its_contract_fields(wesale: Policy) -> None:
    """[S] Never sold. Contracted partners receive only the fields their contract names."""
    partner = _recipient(wesale, "technical_partner")
    assert partner.kind is RecipientKind.PARTNER
    assert partner.contract is not None
    assert partner.contract.valid_until is not None
    assert partner.contract.valid_from < partner.contract.valid_until
    assert partner.fields != "all"
    assert set(partner.fields) < wesale.field_ids()
    assert set(partner.fields) <= _purpose_fields(wesale, partner.purposes)


def test_wesale_shares_only_with_its_partner_and_state_agencies_on_request(
    wesale: Policy,
) -> None:
    """[S] Contracted partners ...; State agencies on request, for an investigation."""
    assert {r.id: r.kind for r in wesale.recipients} == {
        "technical_partner": RecipientKind.PARTNER,
        "procuracy": RecipientKind.STATE_AGENCY,
        "court": RecipientKind.STATE_AGENCY,
        "police_investigation": RecipientKind.STATE_AGENCY,
    }
    agencies = [r for r in wesale.recipients if r.kind is RecipientKind.STATE_AGENCY]
    assert all(r.on_request_only for r in agencies)


def test_wesale_keeps_data_until_the_member_cancels_for_2_to_10_years(wesale: Policy) -> None:
    """[R] Kept until the member cancels (self-service) or asks for cancellation; storage
    capacity for at least 2 and at most 10 years."""
    (rule,) = wesale.retention
    assert rule.trigger is RetentionTrigger.UNTIL_CANCELLED
    assert rule.subject_types is None
    assert rule.min_keep is not None and rule.max_keep is not None
    assert (rule.min_keep.amount, rule.min_keep.unit) == (2, TimeUnit.YEARS)
    assert (rule.max_keep.amount, rule.max_keep.unit) == (10, TimeUnit.YEARS)


def test_wesale_member_manages_own_data_by_login_or_with_staff_help(wesale: Policy) -> None:
    """[A] Member logs in to check, update, correct or cancel own data, on any device; or asks
    staff to do it."""
    access = wesale.subject_access
    assert access.mode is AccessMode.BOTH
    assert {"access", "correct", "delete"} <= set(access.rights)


def test_wesale_takes_complaints_by_hotline_email_or_letter(wesale: Policy) -> None:
    """[K] Hotline, email or letter."""
    channels = {c.kind: c.value for c in wesale.complaints.channels}
    assert channels[ChannelKind.HOTLINE] == "0974063482"
    assert channels[ChannelKind.EMAIL] is None  # the seed leaves the address blank
    assert channels[ChannelKind.POST] == wesale.organisation.address.en


def test_wesale_answers_complaints_within_10_working_days(wesale: Policy) -> None:
    """[K] answered within 10 working days of receipt."""
    deadline = wesale.complaints.deadline
    assert deadline is not None
    assert (deadline.amount, deadline.unit) == (10, TimeUnit.WORKING_DAYS)
    assert deadline.min is None and deadline.max is None


def test_wesale_negotiates_and_mediates_before_going_to_court(wesale: Policy) -> None:
    """[K] negotiation and mediation first, court as the last step."""
    assert wesale.complaints.steps == ["negotiation", "mediation", "court"]


def test_wesale_reports_a_breach_to_the_authorities_and_notifies_users(wesale: Policy) -> None:
    """[B] If servers are attacked and data is lost: report to investigating authorities and
    notify users."""
    breach = wesale.security.breach
    assert breach is not None
    assert breach.notify_authority and breach.notify_subjects


def test_wesale_protects_data_with_a_firewall_monitoring_and_confidentiality(
    wesale: Policy,
) -> None:
    """[P] Firewall; staff monitor all activity so attacks are detected promptly; data kept
    strictly confidential."""
    assert _measures(wesale) == {"firewall", "activity_monitoring", "confidential_storage"}


# --- 001 WeSoft ---------------------------------------------------------------


def test_wesoft_requires_name_address_phone_and_email(wesoft: Policy) -> None:
    """[C] Full name, address, phone, email: all four mandatory to contact the company."""
    (customer,) = wesoft.subject_types
    assert [(f.id, f.required) for f in customer.fields] == [
        ("full_name", True),
        ("address", True),
        ("phone", True),
        ("email", True),
    ]


def test_wesoft_uses_data_to_serve_notify_contact_and_answer_judicial_requests(
    wesoft: Policy,
) -> None:
    """[U] Provide services; notify about exchanges between the company and the user; contact
    in special cases; legal requests from judicial agencies."""
    assert _purpose_ids(wesoft) == {
        "provide_services",
        "exchange_notices",
        "special_cases_contact",
        "judicial_requests",
    }
    judicial = wesoft.purpose("judicial_requests")
    assert judicial is not None
    assert judicial.legal_basis is LegalBasis.LEGAL_OBLIGATION


def test_wesoft_shares_only_with_the_collecting_unit_and_authorities_on_request(
    wesoft: Policy,
) -> None:
    """[S] Only the collecting unit and authorities on request."""
    kinds = {r.id: r.kind for r in wesoft.recipients}
    assert kinds.pop("collecting_unit") is RecipientKind.INTERNAL
    assert set(kinds.values()) == {RecipientKind.STATE_AGENCY}
    assert all(_recipient(wesoft, r).on_request_only for r in kinds)


def test_wesoft_keeps_data_as_long_as_needed_and_reviews_the_need(wesoft: Policy) -> None:
    """[R] Kept as long as needed to serve the customer's requests."""
    (rule,) = wesoft.retention
    assert rule.trigger is RetentionTrigger.WHILE_NEEDED
    assert rule.review_every is not None


def test_wesoft_emails_material_changes(wesoft: Policy) -> None:
    """[V] Policy may change without notice, but material changes are emailed to customers."""
    assert wesoft.change_notice.mode is ChangeNoticeMode.EMAIL_ON_MATERIAL_CHANGE


def test_wesoft_dates_every_edit_with_last_updated(wesoft: Policy) -> None:
    """[V] the "last updated" note changes with every edit."""
    assert wesoft.last_updated is not None


def test_wesoft_has_no_complaint_mechanism(wesoft: Policy) -> None:
    """The seed names no complaint channel and no deadline; the file invents none."""
    assert wesoft.complaints.channels == []
    assert wesoft.complaints.deadline is None


# --- 002 Wecan ----------------------------------------------------------------


def test_wecan_every_collection_step_needs_the_users_consent(wecan: Policy) -> None:
    """[C] Every collection step needs the user's consent."""
    exceptions = {"law_enforcement", "protect_life_and_health"}
    for purpose in wecan.purposes:
        if purpose.id in exceptions:
            assert purpose.consent is ConsentMode.NOT_NEEDED
            assert purpose.legal_basis is not LegalBasis.CONSENT
        else:
            assert purpose.consent is ConsentMode.OPT_IN, purpose.id
            assert purpose.legal_basis is LegalBasis.CONSENT, purpose.id


def test_wecan_holds_the_registration_and_usage_fields(wecan: Policy) -> None:
    """[C] At registration: name, address, phone, fax, email, mobile, company name and address,
    position, alias, date of birth, gender, credit card number, national ID (CMND), age,
    interests. While using the service: reviews, votes, comments, survey answers; login times;
    purchase and sale history; pages viewed."""
    assert _field_ids(wecan, "member") == [
        "full_name",
        "address",
        "phone",
        "fax",
        "email",
        "mobile",
        "company_name",
        "company_address",
        "position",
        "alias",
        "birth_date",
        "gender",
        "credit_card_number",
        "national_id",
        "age",
        "interests",
        "reviews",
        "votes",
        "comments",
        "survey_answers",
        "login_times",
        "purchase_sale_history",
        "pages_viewed",
    ]


def test_wecan_credit_card_is_sensitive_and_used_only_with_opt_in(wecan: Policy) -> None:
    """[C] ... credit card number ..."""
    card = wecan.field("member", "credit_card_number")
    assert card is not None
    assert (card.type, card.category, card.sensitivity) == (
        "card_number",
        "financial",
        Sensitivity.SENSITIVE,
    )
    users = [p for p in wecan.purposes if "credit_card_number" in p.fields]
    assert users
    assert all(p.consent is ConsentMode.OPT_IN for p in users)


def test_wecan_activity_history_is_sensitive_behaviour_data(wecan: Policy) -> None:
    """[C] login times; purchase and sale history; pages viewed."""
    for field_id in ("login_times", "purchase_sale_history", "pages_viewed"):
        spec = wecan.field("member", field_id)
        assert spec is not None
        assert (spec.category, spec.sensitivity) == ("behaviour", Sensitivity.SENSITIVE)


def test_wecan_reviews_comments_and_survey_answers_are_free_text(wecan: Policy) -> None:
    """[C] While using the service: reviews, votes, comments, survey answers."""
    for field_id in ("reviews", "comments", "survey_answers"):
        spec = wecan.field("member", field_id)
        assert spec is not None
        assert spec.free_text, field_id


def test_wecan_purposes_are_the_ones_the_seed_names(wecan: Policy) -> None:
    """[U] Log-in verification; transactions (order, ship, pay); after-sales support; marketing
    email; service information by email, post, phone; personalisation by gender, age, location,
    interests, purchase history, pages viewed; trend analysis; surveys, promotions, reviews;
    answering questions; giving buyer data to sellers."""
    assert _purpose_ids(wecan) == {
        "login_verification",
        "transactions",
        "after_sales_support",
        "marketing_email",
        "service_information",
        "personalisation",
        "trend_analysis",
        "surveys_promotions_reviews",
        "answer_questions",
        "share_with_sellers",
        "law_enforcement",
        "protect_life_and_health",
    }


def test_wecan_sends_service_information_by_email_post_and_phone(wecan: Policy) -> None:
    """[U] service information by email, post, phone."""
    info = wecan.purpose("service_information")
    assert info is not None
    assert set(info.channels) == {"email", "post", "phone"}


def test_wecan_personalises_by_gender_age_location_interests_history_and_pages(
    wecan: Policy,
) -> None:
    """[U] personalisation by gender, age, location, interests, purchase history, pages viewed."""
    personalisation = wecan.purpose("personalisation")
    assert personalisation is not None
    assert {
        "gender",
        "age",
        "address",
        "interests",
        "purchase_sale_history",
        "pages_viewed",
    } <= set(personalisation.fields)


def test_wecan_gives_buyer_data_to_sellers(wecan: Policy) -> None:
    """[U] giving buyer data to sellers."""
    sellers = _recipient(wecan, "sellers")
    assert sellers.purposes == ["share_with_sellers"]
    assert sellers.fields != "all"
    assert set(sellers.fields) <= _purpose_fields(wecan, ["share_with_sellers"])


def test_wecan_shares_with_staff_state_agencies_and_commerce_partners(wecan: Policy) -> None:
    """[S] Staff of the operating company with an assigned duty; state agencies; shipping,
    payment and warranty partners."""
    kinds = {r.id: r.kind for r in wecan.recipients}
    assert kinds == {
        "operating_company_staff": RecipientKind.INTERNAL,
        "state_agencies": RecipientKind.STATE_AGENCY,
        "shipping_partners": RecipientKind.PROCESSOR,
        "payment_organisations": RecipientKind.PROCESSOR,
        "warranty_units": RecipientKind.PROCESSOR,
        "sellers": RecipientKind.PARTNER,
    }
    assert _recipient(wecan, "state_agencies").on_request_only


def test_wecan_discloses_without_consent_only_for_life_health_or_law_enforcement(
    wecan: Policy,
) -> None:
    """[S] others only with consent, or to prevent threats to life and health, or for law
    enforcement."""
    without_consent = {
        p.id: p.legal_basis for p in wecan.purposes if p.consent is ConsentMode.NOT_NEEDED
    }
    assert without_consent == {
        "law_enforcement": LegalBasis.LEGAL_OBLIGATION,
        "protect_life_and_health": LegalBasis.VITAL_INTEREST,
    }
    agencies = _recipient(wecan, "state_agencies")
    assert set(agencies.purposes) == set(without_consent)


def test_wecan_keeps_data_one_year_after_closure(wecan: Policy) -> None:
    """[R] Kept while the user uses the marketplace, then 1 more year after the user stops."""
    (rule,) = wecan.retention
    assert rule.trigger is RetentionTrigger.AFTER_CLOSURE
    assert rule.period is not None
    assert (rule.period.amount, rule.period.unit) == (1, TimeUnit.YEARS)


def test_wecan_asks_fresh_consent_when_its_policy_changes(wecan: Policy) -> None:
    """[C] Every collection step needs the user's consent: a changed policy asks again."""
    assert wecan.change_notice.mode is ChangeNoticeMode.FRESH_CONSENT


# --- 003 Clever Group ---------------------------------------------------------


def test_clevergroup_collects_contact_declared_and_device_fields(clevergroup: Policy) -> None:
    """[C] Email, phone, address, full name, other declared data; device name, operating
    system, screen size, language."""
    assert _field_ids(clevergroup, "user") == [
        "email",
        "phone",
        "address",
        "full_name",
        "other_declared",
        "device_name",
        "operating_system",
        "screen_size",
        "language",
    ]
    devices = [
        clevergroup.field("user", f)
        for f in ("device_name", "operating_system", "screen_size", "language")
    ]
    assert all(d is not None and d.category == "device" for d in devices)


def test_clevergroup_personalises_and_promotes_only_with_opt_in(clevergroup: Policy) -> None:
    """[U] Provide and improve the service; personalise and predict needs; introduce services
    and promotions."""
    assert {"provide_and_improve_service", "personalisation", "promotions"} <= _purpose_ids(
        clevergroup
    )
    for purpose_id in ("personalisation", "promotions"):
        purpose = clevergroup.purpose(purpose_id)
        assert purpose is not None
        assert purpose.consent is ConsentMode.OPT_IN


def test_clevergroup_keeps_data_until_deletion_is_asked_or_it_is_unneeded(
    clevergroup: Policy,
) -> None:
    """[R] Kept until the user asks for deletion or the company deems it unneeded."""
    (rule,) = clevergroup.retention
    assert rule.trigger is RetentionTrigger.WHILE_NEEDED
    assert rule.review_every is not None
    assert "delete" in clevergroup.subject_access.rights


def test_clevergroup_staff_help_only_those_who_prove_a_legal_right(clevergroup: Policy) -> None:
    """[A] Self-service change or deletion of part or all data in the account page; staff help
    on request, but the requester must prove a legal right to the data."""
    access = clevergroup.subject_access
    assert access.mode is AccessMode.BOTH
    assert access.identity_proof is IdentityProof.LEGAL_RIGHT
    assert {"correct", "delete"} <= set(access.rights)


def test_clevergroup_group_companies_and_partners_receive_data_across_borders(
    clevergroup: Policy,
) -> None:
    """[S] subsidiaries, affiliates and partners inside and outside Vietnam (a cross-border
    transfer)."""
    group = _recipient(clevergroup, "group_companies_and_partners")
    assert group.abroad
    assert group.countries == []  # the seed names no country; none is invented


def test_clevergroup_shares_with_staff_shippers_and_authorities_on_request(
    clevergroup: Policy,
) -> None:
    """[S] Employees and departments serving the customer contract; shipping partners for
    delivery; authorities on request."""
    assert _recipient(clevergroup, "staff_and_departments").kind is RecipientKind.INTERNAL
    shipping = _recipient(clevergroup, "shipping_partners")
    assert shipping.purposes == ["delivery"]
    assert shipping.fields != "all"
    assert set(shipping.fields) <= _purpose_fields(clevergroup, ["delivery"])
    assert _recipient(clevergroup, "state_agencies").on_request_only


def test_clevergroup_allows_no_third_party_tracking(clevergroup: Policy) -> None:
    """[S] No third-party tracking on its websites."""
    assert clevergroup.security.third_party_tracking is False


def test_clevergroup_protects_data_with_firewall_access_control_and_encryption(
    clevergroup: Policy,
) -> None:
    """[P] Firewall, access control, data encryption."""
    assert {"firewall", "access_control", "encryption"} <= _measures(clevergroup)


def test_clevergroup_complaint_deadline_is_7_to_15_days_by_complexity(
    clevergroup: Policy,
) -> None:
    """[K] Complaints resolved within 7 to 15 days depending on complexity."""
    deadline = clevergroup.complaints.deadline
    assert deadline is not None
    assert (deadline.unit, deadline.min, deadline.max, deadline.amount) == (
        TimeUnit.DAYS,
        7,
        15,
        None,
    )


# --- 004 ecomviet -------------------------------------------------------------


def test_ecomviet_collects_what_a_consultation_or_purchase_needs(ecomviet: Policy) -> None:
    """[C] Data needed to request consultation or buy a service, confirmed back to the
    customer."""
    (customer,) = ecomviet.subject_types
    assert all(f.required for f in customer.fields)
    confirmation = ecomviet.purpose("transaction_confirmation")
    assert confirmation is not None
    assert set(confirmation.fields) == ecomviet.field_ids()


def test_ecomviet_uses_data_only_for_the_purposes_it_names(ecomviet: Policy) -> None:
    """[U] Guidance; related service information on request; marketing email; website notices;
    special cases; never beyond confirmation and contact for the transaction; judicial
    requests."""
    assert _purpose_ids(ecomviet) == {
        "transaction_confirmation",
        "guidance",
        "related_service_information",
        "marketing_email",
        "website_notices",
        "special_cases_contact",
        "judicial_requests",
    }
    for purpose_id in ("related_service_information", "marketing_email"):
        purpose = ecomviet.purpose(purpose_id)
        assert purpose is not None
        assert purpose.consent is ConsentMode.OPT_IN


def test_ecomviet_shares_with_management_vsign_and_trusted_parties(ecomviet: Policy) -> None:
    """[S] The center's management and departments; the integrated third party vsign.vn
    (digital signatures); trusted third parties bound to the stated purposes; never rented or
    sold."""
    assert _recipient(ecomviet, "management_and_departments").kind is RecipientKind.INTERNAL
    vsign = _recipient(ecomviet, "vsign")
    assert vsign.kind is RecipientKind.INTEGRATED_THIRD_PARTY
    assert vsign.website == "vsign.vn"
    trusted = _recipient(ecomviet, "trusted_third_parties")
    assert trusted.contract is not None
    for third in (vsign, trusted):
        assert third.fields != "all"
        assert set(third.fields) <= _purpose_fields(ecomviet, third.purposes)


def test_ecomviet_hands_data_to_judicial_agencies_only_on_request(ecomviet: Policy) -> None:
    """[U] judicial requests."""
    agencies = [r for r in ecomviet.recipients if r.kind is RecipientKind.STATE_AGENCY]
    assert {r.id for r in agencies} == {"procuracy", "court", "police_investigation"}
    assert all(r.on_request_only and r.purposes == ["judicial_requests"] for r in agencies)


def test_ecomviet_keeps_data_until_the_customer_cancels(ecomviet: Policy) -> None:
    """[R] Kept until the customer asks for cancellation."""
    (rule,) = ecomviet.retention
    assert rule.trigger is RetentionTrigger.UNTIL_CANCELLED
    assert rule.min_keep is None and rule.max_keep is None


def test_ecomviet_access_is_assisted_only(ecomviet: Policy) -> None:
    """[A] Only through the site's administrators (assisted, not self-service)."""
    access = ecomviet.subject_access
    assert access.mode is AccessMode.ASSISTED
    assert access.identity_proof is IdentityProof.VERIFIED_BY_STAFF


def test_ecomviet_takes_complaints_by_email_or_hotline(ecomviet: Policy) -> None:
    """[K] Email or hotline to customer care; verified, then handled."""
    channels = [(c.kind, c.value) for c in ecomviet.complaints.channels]
    assert channels == [
        (ChannelKind.EMAIL, "dangkyca@ecomviet.vn"),
        (ChannelKind.HOTLINE, "024 222 05513"),
    ]
    assert ecomviet.complaints.deadline is None  # the seed sets none


def test_ecomviet_protects_data_with_dedicated_software_and_backup_servers(
    ecomviet: Policy,
) -> None:
    """[P] Dedicated collection and storage software; primary and backup servers."""
    assert {"dedicated_software", "primary_and_backup_servers"} <= _measures(ecomviet)


def test_ecomviet_takes_continued_use_as_acceptance_of_changes(ecomviet: Policy) -> None:
    """[V] Updates are posted on the site; continued use means acceptance."""
    assert ecomviet.change_notice.mode is ChangeNoticeMode.CONTINUED_USE
