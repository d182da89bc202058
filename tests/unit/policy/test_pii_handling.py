"""The `pii` key of a field: `flag` or `redact`, and only on free-text fields."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

from baomat.policy.model import PiiHandling, Policy
from baomat.policy.rules import check

VALID = Path(__file__).resolve().parents[2] / "data" / "valid_minimal.yaml"
BASE: dict[str, Any] = yaml.safe_load(VALID.read_text(encoding="utf-8"))


def _with_field(**keys: object) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    doc["subject_types"][0]["fields"].append(
        {"id": "review", "label": {"vi": "Đánh giá", "en": "Review"}, "type": "long_text",
         "category": "user_content", "sensitivity": "basic", **keys}
    )  # fmt: skip
    return doc


def test_a_free_text_field_flags_by_default_and_may_redact() -> None:
    flagged = Policy.model_validate(_with_field(free_text=True))
    redacted = Policy.model_validate(_with_field(free_text=True, pii="redact"))

    assert flagged.subject_types[0].fields[-1].pii is None  # flag, the default
    assert redacted.subject_types[0].fields[-1].pii is PiiHandling.REDACT
    assert check(redacted) == []


def test_pii_on_a_field_that_is_not_free_text_is_a_located_finding() -> None:
    (finding,) = check(Policy.model_validate(_with_field(pii="redact")))

    assert finding.loc[-1] == "pii"
    assert "only free_text fields are scanned" in finding.rule


def test_an_unknown_pii_handling_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError, match="flag"):
        Policy.model_validate(_with_field(free_text=True, pii="delete"))
