"""The dossiers a policy records (`impact_assessment`, `recipients[].transfer_dossier`) and its
notice texts: their shape, the rules that relate them to the rest of the file, and the notice."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml

from baomat.policy.errors import PolicyError
from baomat.policy.loader import parse_policy
from baomat.policy.model import Dossier, Policy
from baomat.policy.render import label, render
from baomat.policy.rules import check

MINIMAL = Path(__file__).resolve().parents[2] / "data" / "valid_minimal.yaml"
BASE: dict[str, Any] = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))  # last_updated 15 Jan

Doc = dict[str, Any]


def _doc(change: Callable[[Doc], object]) -> Doc:
    doc = copy.deepcopy(BASE)
    change(doc)
    return doc


def _rules(change: Callable[[Doc], object]) -> list[tuple[str, str]]:
    """(location, rule) of each cross-reference mistake after `change`."""
    findings = check(Policy.model_validate(_doc(change)))
    return [(".".join(map(str, f.loc)), f.rule) for f in findings]


def _abroad(dossier: Doc) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc["recipients"][0].update(abroad=True, countries=["SG"], transfer_dossier=dossier)

    return change


def test_a_policy_recording_its_dossiers_and_notice_texts_loads_and_breaks_no_rule() -> None:
    def change(doc: Doc) -> None:
        _abroad({"reference": "A05-CB-2026-0077", "filed_on": "2026-01-05"})(doc)
        doc["impact_assessment"] = {
            "reference": "A05-DPIA-2026-0142",
            "filed_on": "2025-12-01",
            "updated_on": "2026-01-15",
        }
        doc["notice"] = {"possible_harm": {"vi": "Lộ email", "en": "Exposed email"}}

    policy = parse_policy(yaml.safe_dump(_doc(change), allow_unicode=True), "p.yaml")

    assert policy.impact_assessment is not None
    assert policy.impact_assessment.last_filed() == dt.date(2026, 1, 15)
    courier = policy.recipient("courier")
    assert courier is not None and courier.transfer_dossier is not None
    assert courier.transfer_dossier.last_filed() == dt.date(2026, 1, 5)
    assert policy.notice.processing_method is None


def test_a_dossier_never_updated_was_last_filed_when_first_filed() -> None:
    dossier = Dossier(reference="A05-1", filed_on=dt.date(2026, 1, 2))

    assert dossier.last_filed() == dt.date(2026, 1, 2)


def test_a_transfer_dossier_on_a_recipient_at_home_is_refused() -> None:
    def change(doc: Doc) -> None:
        doc["recipients"][0]["transfer_dossier"] = {"reference": "X-1", "filed_on": "2026-01-05"}

    assert _rules(change) == [
        (
            "recipients.0.transfer_dossier",
            "recipient 'courier' has a transfer_dossier but abroad is false; the cross-border "
            "dossier is only for recipients abroad",
        )
    ]


def test_a_dossier_updated_before_it_was_filed_is_refused() -> None:
    dossier = {"reference": "X-1", "filed_on": "2026-01-05", "updated_on": "2026-01-04"}

    assert _rules(_abroad(dossier)) == [
        (
            "recipients.0.transfer_dossier.updated_on",
            "the transfer dossier of recipient 'courier' is updated_on 2026-01-04, before it "
            "was filed_on 2026-01-05",
        )
    ]


@pytest.mark.parametrize("key", ["filed_on", "updated_on"])
def test_a_filing_after_the_policys_own_date_is_refused(key: str) -> None:
    dossier = {"reference": "X-1", "filed_on": "2026-01-05", key: "2026-01-16"}

    assert _rules(lambda doc: doc.update(impact_assessment=dossier)) == [
        (
            f"impact_assessment.{key}",
            f"the impact assessment has {key} 2026-01-16, after the policy's last_updated "
            "2026-01-15; a policy records only filings made by its date",
        )
    ]


def test_a_dossier_without_a_reference_is_refused_naming_the_field() -> None:
    doc = _doc(lambda d: d.update(impact_assessment={"filed_on": "2026-01-05"}))

    with pytest.raises(PolicyError) as raised:
        parse_policy(yaml.safe_dump(doc, allow_unicode=True), "p.yaml")

    assert "impact_assessment.reference" in str(raised.value)


def test_a_notice_text_needs_both_languages() -> None:
    doc = _doc(lambda d: d.update(notice={"processing_method": {"vi": "Qua biểu mẫu"}}))

    with pytest.raises(PolicyError) as raised:
        parse_policy(yaml.safe_dump(doc, allow_unicode=True), "p.yaml")

    assert "notice.processing_method.en" in str(raised.value)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_rendered_notice_says_how_data_is_processed_and_what_harm_it_may_cause(
    lang: Literal["vi", "en"],
) -> None:
    method = {"vi": "Thu thập qua biểu mẫu", "en": "Collected through forms"}
    harm = {"vi": "Lộ email dẫn đến thư rác", "en": "Exposed email draws spam"}
    stated = Policy.model_validate(
        _doc(lambda d: d.update(notice={"processing_method": method, "possible_harm": harm}))
    )

    notice = render(stated, lang)
    bare = render(Policy.model_validate(_doc(lambda d: None)), lang)

    assert f"{label('processing_method', lang)}: {method[lang]}" in notice
    assert f"{label('possible_harm', lang)}: {harm[lang]}" in notice
    assert label("processing_method", lang) not in bare
    assert label("possible_harm", lang) not in bare
