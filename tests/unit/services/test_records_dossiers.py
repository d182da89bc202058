"""The record of processing and the draft DPIA print the dossiers and notice texts a policy
records, and mark them to be completed when it records none (no store)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from baomat.policy.model import Policy
from baomat.services import records
from baomat.services._documents import Document, Section
from baomat.services._records_text import say
from baomat.store.activity import Activity

MINIMAL = Path(__file__).resolve().parents[2] / "data" / "valid_minimal.yaml"
NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
FIGURES = Activity(
    since=records.year_before(NOW),
    first_processing=dt.datetime(2026, 1, 20, 2, 0, tzinfo=dt.UTC),
    last_published=dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC),
    subjects={"customer": (40, 2)},
)
HARM = {"vi": "Lộ địa chỉ email dẫn đến thư rác", "en": "Exposed email addresses draw spam"}
METHOD = {"vi": "Thu thập qua biểu mẫu đặt hàng", "en": "Collected through the order form"}


def _policy(recorded: bool) -> Policy:
    """The minimal policy with its courier in Singapore; with its dossiers and notice texts
    when `recorded`."""
    doc: dict[str, Any] = copy.deepcopy(yaml.safe_load(MINIMAL.read_text(encoding="utf-8")))
    doc["last_updated"] = "2026-09-01"
    courier = doc["recipients"][0]
    courier.update(abroad=True, countries=["SG"])
    if recorded:
        courier["transfer_dossier"] = {"reference": "A05-CB-2026-0077", "filed_on": "2026-03-02"}
        doc["impact_assessment"] = {
            "reference": "A05-DPIA-2026-0142",
            "filed_on": "2026-03-02",
            "updated_on": "2026-08-28",
        }
        doc["notice"] = {"processing_method": METHOD, "possible_harm": HARM}
    return Policy.model_validate(doc)


def _section(doc: Document, key: str) -> Section:
    return next(s for s in doc.sections if s.heading == say(key, doc.language))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_record_shows_each_transfer_dossier_with_its_reference_and_dates(lang: str) -> None:
    doc = records.ropa(_policy(recorded=True), FIGURES, lang, NOW)

    head, row = _section(doc, "abroad").table

    assert head[-1] == say("transfer_dossier", lang)
    assert row[-1] == say(
        "dossier_value", lang, reference="A05-CB-2026-0077", filed="02/03/2026", last="02/03/2026"
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_transfer_without_a_recorded_dossier_is_marked_to_be_completed(lang: str) -> None:
    doc = records.ropa(_policy(recorded=False), FIGURES, lang, NOW)

    assert _section(doc, "abroad").table[1][-1] == say("not_recorded", lang)


def test_the_dpia_shows_the_filed_assessment_and_its_next_update() -> None:
    doc = records.dpia(_policy(recorded=True), FIGURES, "en", NOW)

    filing = dict(_section(doc, "filing").rows)

    assert filing[say("assessment", "en")] == (
        "reference A05-DPIA-2026-0142, filed on 02/03/2026, last updated on 28/08/2026"
    )
    # Six months from 28 Aug 2026 is 28 Feb 2027, a Sunday: the period ends on Monday 1 Mar
    # (Civil Code Art. 148.5).
    assert filing[say("next_update", "en")] == "01/03/2027"
    assert "not_recorded" not in filing


def test_the_dpia_without_a_recorded_assessment_marks_it_and_gives_no_next_update() -> None:
    doc = records.dpia(_policy(recorded=False), FIGURES, "vi", NOW)

    filing = dict(_section(doc, "filing").rows)

    assert filing[say("assessment", "vi")] == say("not_recorded", "vi")
    assert say("next_update", "vi") not in filing
    # Day 60 after 20 Jan 2026 is Saturday 21 Mar: the period ends on Monday 23 Mar.
    assert filing[say("filing_due", "vi")] == "23/03/2026"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_dpia_prints_the_policys_processing_method_and_possible_harm(lang: str) -> None:
    doc = records.dpia(_policy(recorded=True), FIGURES, lang, NOW)

    method = _section(doc, "method").text
    harm = _section(doc, "harm").text

    assert method == (say("stated", lang, text=METHOD[lang]), say("method_text", lang))
    assert harm[0] == say("stated", lang, text=HARM[lang])
    assert say("harm_todo", lang) in harm  # likelihood and severity stay the controller's


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_notice_texts_the_policy_lacks_are_marked_to_be_completed(lang: str) -> None:
    doc = records.dpia(_policy(recorded=False), FIGURES, lang, NOW)

    method = _section(doc, "method").text
    harm = _section(doc, "harm").text

    assert method[0] == say("not_stated", lang, item="notice.processing_method")
    assert harm[0] == say("not_stated", lang, item="notice.possible_harm")


def test_the_dossier_column_fits_the_pdf_of_the_record() -> None:
    doc = records.ropa(_policy(recorded=True), FIGURES, "vi", NOW)

    pages = PdfReader(io.BytesIO(records.render(doc, "pdf", NOW))).pages
    text = re.sub(r"\s+", "", " ".join(p.extract_text() for p in pages))

    assert "A05-CB-2026-0077" in text
    assert re.sub(r"\s+", "", say("transfer_dossier", "vi")) in text
