"""The record of processing and the draft DPIA from Wesale's live data, on SQLite and PostgreSQL.

Generated sellers and buyers are registered, some consent to marketing email,
the technical partner receives two sellers' data, an account is closed and
another erased, a hold is placed and an incident opened; both documents, in
Vietnamese and English, as HTML and PDF, carry every required item and these
counts, and no subject's personal data.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from faker import Faker
from pypdf import PdfReader
from stdnum.vn import mst

from baomat import bootstrap
from baomat.config import Settings
from baomat.domain.consent import ConsentRequest, shown_text_sha256
from baomat.policy.model import Policy
from baomat.services import consents, disclosures, holds, incidents, records, subjects
from baomat.services._documents import Document
from baomat.services._records_text import say
from tests.integration.shop import AT
from tests.integration.tenancy import example_policy, examples_app

SOON = AT + dt.timedelta(hours=2)
ROPA_ITEMS = (
    "controller", "purposes", "categories", "sensitive_processed", "subjects", "recipients",
    "abroad", "retention", "security", "rights", "figures", "open_holds", "incidents_since",
    "live_consents", "disclosures",
)  # fmt: skip
"""ROPA: purposes, categories, subject types, recipients, transfers abroad, retention, security."""
DPIA_ITEMS = (
    "dp_contact", "filing", "filing_due", "assessment", "not_recorded", "periodic",
    "major_change", "purposes", "categories",
    "sensitive_processed", "method", "subjects", "others", "abroad", "period", "start", "end",
    "rights", "harm", "protect", "protect_todo", "necessity", "signoff", "to_complete",
)  # fmt: skip
"""The notice items of LAW.md (purpose, data types, method, other parties incl. abroad, harm,
start and end, rights, contact, sensitive data), the filing clock, the dossier filed (none
recorded by Wesale's policy), and the parts left to fill."""


@dataclass(frozen=True)
class Live:
    app: bootstrap.App
    policy: Policy
    people: list[dict[str, str]]
    affected: int


def _tax_code(rng: random.Random) -> str:
    """A random valid MST: nine digits and their check digit (bodies whose check is 10 skipped)."""
    while True:
        body = f"0{rng.randrange(10**7, 10**8)}"
        check = mst.calc_check_digit(body)
        if len(check) == 1:
            return body + check


def _people(fake: Faker, rng: random.Random, n: int, seller: bool) -> list[dict[str, str]]:
    out = []
    for i in range(n):
        person = {
            "full_name": fake.name(),
            "phone": f"09{rng.randrange(10**7, 10**8)}",
            "email": f"nguoi{i}.{'ban' if seller else 'mua'}@example.vn",
        }
        if seller:
            person |= {
                "address": fake.address().replace("\n", ", "),
                "tax_code": _tax_code(rng),
                "id_issue_date": "2016-05-04",
                "id_issue_place": fake.city(),
            }
        out.append(person)
    return out


@pytest.fixture
def live(settings: Settings) -> Iterator[Live]:
    fake = Faker("vi_VN")
    fake.seed_instance(356)
    rng = random.Random(356)
    sellers, buyers = _people(fake, rng, 3, True), _people(fake, rng, 5, False)
    with examples_app(settings, ("wesale",), AT) as app:
        policy = example_policy("wesale")
        seller_ids = subjects.register(app.uow(), policy, "seller", sellers, "test", AT)
        buyer_ids = subjects.register(app.uow(), policy, "buyer", buyers, "test", AT)
        purpose = policy.purpose("marketing_email")
        assert purpose is not None
        for sid in buyer_ids[:3]:
            sha = shown_text_sha256(purpose.text.vi)
            request = ConsentRequest(sid, "marketing_email", 1, sha, "vi", "web", True)
            consents.give(app.uow(), policy, request, "test", AT)
        consents.withdraw(app.uow(), "wesale", buyer_ids[2], "marketing_email", "test", SOON)
        for sid in seller_ids[:2]:
            disclosures.disclose_to_partner(
                app.uow(), policy, sid, "technical_partner", "technical_support_and_disputes",
                "staff:support", SOON,
            )  # fmt: skip
        subjects.close_account(app.uow(), "wesale", buyer_ids[3], "test", SOON)
        subjects.erase(app.uow(), "wesale", buyer_ids[4], "member_request", "test", SOON)
        holds.place(app.uow(), "wesale", seller_ids[2], "complaint", "KN-0001", "test", SOON)
        incident = incidents.open_incident(
            app.uow(), policy, detected_at=SOON, description="Thử nghiệm sự cố",
            systems=["CRM"], window_start=AT, window_end=SOON, actors=["staff:mallory"],
            actor="dpo.an", at=SOON,
        )  # fmt: skip
        yield Live(app, policy, sellers + buyers, incident.affected)


def _document(live: Live, kind: str, lang: str, now: dt.datetime = SOON) -> Document:
    return records.document(live.app.uow(read_only=True), live.policy, kind, lang, now)


def _html_text(doc: Document) -> str:
    html = records.render(doc, "html", SOON).decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#34;", '"')


def _pdf_text(doc: Document) -> str:
    pages = PdfReader(io.BytesIO(records.render(doc, "pdf", SOON))).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def _bare(text: str) -> str:
    """Without whitespace: the PDF's text extraction drops the space where a line wraps."""
    return re.sub(r"\s+", "", text)


def test_the_live_counts_are_those_of_the_store(live: Live) -> None:
    figures = records.activity(live.app.uow(read_only=True), "wesale", SOON)

    assert figures.subjects == {"seller": (3, 0), "buyer": (3, 1)}  # the erased buyer is gone
    assert figures.consents == {"marketing_email": 2}  # three given, one withdrawn
    assert figures.disclosures == {"technical_partner": 2}
    assert figures.open_holds == 1 + live.affected
    assert (figures.incidents_since, figures.incidents_open) == (1, 1)
    assert figures.first_processing == AT


def test_disclosures_older_than_twelve_months_drop_out_of_the_count(live: Live) -> None:
    later = SOON + dt.timedelta(days=366)

    assert records.activity(live.app.uow(read_only=True), "wesale", later).disclosures == {}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", ["ropa", "dpia"])
def test_each_document_holds_every_required_item_in_html_and_pdf(
    live: Live, kind: str, lang: str
) -> None:
    doc = _document(live, kind, lang)
    items = ROPA_ITEMS if kind == "ropa" else DPIA_ITEMS

    for text in (_bare(_html_text(doc)), _bare(_pdf_text(doc))):
        missing = [item for item in items if _bare(say(item, lang)) not in text]
        assert missing == []
        for purpose in live.policy.purposes:
            assert _bare(purpose.id) in text
        for recipient in live.policy.recipients:
            assert _bare(recipient.name.in_(lang)) in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_record_shows_the_live_counts_in_its_tables(live: Live, lang: str) -> None:
    doc = _document(live, "ropa", lang)
    tables = {s.heading: s.table for s in doc.sections}

    subjects_table = tables[say("subjects", lang)]
    seller, buyer = (live.policy.subject_type(t) for t in ("seller", "buyer"))
    assert seller is not None and buyer is not None
    assert (seller.name.in_(lang), "9", "3", "0") in subjects_table
    assert (buyer.name.in_(lang), "3", "3", "1") in subjects_table
    consent_row = next(r for r in tables[say("purposes", lang)] if r[0] == "marketing_email")
    assert consent_row[-1] == "2"
    partner_row = next(r for r in tables[say("recipients", lang)] if r[0] == "technical_partner")
    assert partner_row[-1] == "2"
    figures = dict(next(s.rows for s in doc.sections if s.heading == say("figures", lang)))
    assert figures[say("open_holds", lang)] == str(1 + live.affected)
    assert figures[say("incidents_open", lang)] == "1"


def test_the_dpia_is_due_sixty_days_after_the_first_processing(live: Live) -> None:
    doc = _document(live, "dpia", "en")
    filing = dict(next(s.rows for s in doc.sections if s.heading == say("filing", "en")))

    # Published 13 Feb 2026: day one is 14 Feb, day 60 is 14 Apr (Civil Code Art. 147.2).
    assert filing[say("first_processing", "en")] == "13/02/2026"
    assert filing[say("filing_due", "en")] == "14/04/2026"


@pytest.mark.parametrize("kind", ["ropa", "dpia"])
def test_no_document_carries_a_subjects_personal_data(live: Live, kind: str) -> None:
    for lang in ("vi", "en"):
        doc = _document(live, kind, lang)
        text = _html_text(doc) + _pdf_text(doc)
        for person in live.people:
            for value in (person["full_name"], person["email"], person["phone"]):
                assert value not in text
