"""The JSON Schema of a policy file, for editors and for other tools.

Built from the pydantic model, so it never drifts from what the loader
accepts; the committed copy `schema/policy.schema.json` is checked against
`schema_text()` by a test, and rewritten by `baomat policy schema --output`.

    json_schema() -> {"$schema": "https://json-schema.org/draft/2020-12/schema",
                      "$id": "urn:baomat:schema:policy:1", "title": ..., "$defs": ...}
"""

from __future__ import annotations

import json
from typing import Any

from baomat.policy.model import FORMAT, Policy

SCHEMA_ID = "urn:baomat:schema:policy:1"
"""A URN, not a URL: the schema is shipped in the repository, not served from anywhere."""

TITLE = "baomat policy file"

DESCRIPTION = (
    f"A website's privacy policy as code (format {FORMAT}): who collects personal data, "
    "which fields of which subject types, for which purposes and on which legal basis, who "
    "receives them, how long they are kept, and how subjects see, correct and complain. "
    "The schema checks shapes only; `baomat policy check` also checks that every reference "
    "resolves and that the rules of Vietnamese data-protection law hold."
)


def json_schema() -> dict[str, Any]:
    """The pydantic model -> a JSON Schema (draft 2020-12) with $id, title and description."""
    generated = Policy.model_json_schema(mode="validation")
    generated.pop("title", None)
    generated.pop("description", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": TITLE,
        "description": DESCRIPTION,
        **generated,
    }


def schema_text() -> str:
    """The schema as the committed file holds it: 2-space JSON, UTF-8, final newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
