"""The published JSON Schema matches the model and accepts what the loader accepts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from baomat.policy.schema import SCHEMA_ID, json_schema, schema_text

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "schema" / "policy.schema.json"
VALID = ROOT / "tests" / "data" / "valid_minimal.yaml"


def _as_json(node: object) -> object:
    """YAML data -> JSON data: dates become the strings an editor's validator sees."""
    if isinstance(node, dict):
        return {key: _as_json(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_as_json(item) for item in node]
    return node.isoformat() if isinstance(node, dt.date) else node


def _valid_document() -> dict[str, object]:
    document = _as_json(yaml.safe_load(VALID.read_text(encoding="utf-8")))
    assert isinstance(document, dict)
    return document


def test_the_committed_schema_is_up_to_date() -> None:
    committed = COMMITTED.read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "schema/policy.schema.json is out of date: run "
        "`baomat policy schema --output schema/policy.schema.json`"
    )


def test_the_schema_names_itself() -> None:
    schema = json_schema()
    assert schema["$id"] == SCHEMA_ID
    assert schema["title"] == "baomat policy file"
    assert "baomat/policy@1" in schema["description"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_is_itself_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())


def test_the_minimal_policy_is_valid_under_the_schema() -> None:
    jsonschema.validate(_valid_document(), json_schema())


def test_an_unknown_key_is_invalid_under_the_schema() -> None:
    document = _valid_document()
    document["fax"] = "028 0000 0001"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json_schema())


def test_the_schema_text_is_stable_json_with_a_final_newline() -> None:
    text = schema_text()
    assert text.endswith("}\n")
    assert json.loads(text) == json_schema()
