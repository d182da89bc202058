"""The record of processing and the draft DPIA built from a policy and given counts (no store)."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources

import pytest
import yaml

from baomat.domain.errors import Invalid
from baomat.services import records
from baomat.services._documents import Document, Section
from baomat.services._records_text import say
from baomat.store.activity import Activity
from tests.integration.tenancy import example_policy

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
FIGURES = Activity(
    since=records.year_before(NOW),
    first_processing=dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC),
    last_published=dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC),
    subjects={"member": (120_000, 30)},
    consents={"marketing_email": 41},
    incidents_since=2,
)


def _section(doc: Document, key: str) -> Section:
    return next(s for s in doc.sections if s.heading == say(key, doc.language))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_transfer_abroad_without_countries_is_marked_to_be_completed(lang: str) -> None:
    doc = records.ropa(example_policy("clevergroup"), FIGURES, lang, NOW)

    table = _section(doc, "abroad").table

    assert table[1][1] == say("not_named", lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_dpia_lists_the_risk_signals_and_leaves_the_judgement_to_the_controller(
    lang: str,
) -> None:
    doc = records.dpia(example_policy("wecan"), FIGURES, lang, NOW)

    harm = "\n".join(_section(doc, "harm").text)
    signoff = _section(doc, "signoff").text

    assert say("risk_volume", lang, n=120_030) in harm
    assert say("risk_incidents", lang, n=2) in harm
    assert "–" in harm and say("harm_todo", lang) in harm
    assert signoff == (say("signoff_todo", lang),)
    assert say("to_complete", lang) in _section(doc, "necessity").text


def test_the_dpia_files_within_sixty_days_and_updates_every_six_months() -> None:
    doc = records.dpia(example_policy("wesoft"), FIGURES, "en", NOW)

    filing = dict(_section(doc, "filing").rows)

    assert filing[say("first_processing", "en")] == "01/11/2026"
    assert filing[say("filing_due", "en")] == "31/12/2026"  # day 1 is 2 Nov, day 60 is 31 Dec
    assert filing[say("periodic", "en")] == "every 6 months"


def test_a_bad_choice_names_its_field() -> None:
    doc = records.ropa(example_policy("wesoft"), FIGURES, "vi", NOW)

    with pytest.raises(Invalid, match=r"^format: "):
        records.render(doc, "docx", NOW)


def test_twelve_months_back_from_a_leap_day_is_the_28th() -> None:
    leap = dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC)

    assert records.year_before(leap) == dt.datetime(2027, 2, 28, 12, 0, tzinfo=dt.UTC)


def test_every_label_has_a_vietnamese_and_an_english_text_with_the_same_blanks() -> None:
    source = resources.files("baomat") / "data" / "labels" / "records.yaml"
    labels = yaml.safe_load(source.read_text("utf-8"))

    for group, entries in labels.items():
        for key, texts in entries.items():
            assert sorted(texts) == ["en", "vi"], (group, key)
            assert all(isinstance(t, str) and t for t in texts.values()), (group, key)
            blanks = [sorted(re.findall(r"{(\w+)}", texts[lang])) for lang in ("vi", "en")]
            assert blanks[0] == blanks[1], (group, key)


class _Counts:
    """The unit of work's `activity` repository, faked: it answers FIGURES and notes each ask."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dt.datetime]] = []

    def counts(self, tenant: str, since: dt.datetime) -> Activity:
        self.asked.append((tenant, since))
        return FIGURES


class _Uow:
    """Only what `records.activity` may touch: the block and `activity`, no connection."""

    def __init__(self) -> None:
        self.activity = _Counts()

    def __enter__(self) -> _Uow:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def test_the_live_counts_come_from_the_unit_of_works_activity_repository() -> None:
    uow = _Uow()

    figures = records.activity(uow, "clevergroup", NOW)  # type: ignore[arg-type]

    assert figures is FIGURES
    assert uow.activity.asked == [("clevergroup", records.year_before(NOW))]
