"""Run by fideslang's own interpreter: validates baomat's fides manifests with fideslang.

    <fides python> fides_check.py keys.json manifest1.json manifest2.json …

Each manifest is parsed with `fideslang.models.Taxonomy`; every data category,
data use and data subject it names, and every key in keys.json (the mapping
table's), must be a live key of fideslang's default taxonomy; every flow and
dataset it references must be defined in it. Prints one JSON object: per
manifest its counts and problems, and the table's unknown keys.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import fideslang
from fideslang.default_taxonomy import DEFAULT_TAXONOMY
from fideslang.models import Taxonomy
from pydantic import ValidationError


def _known() -> dict[str, set[str]]:
    def live(items: list[Any]) -> set[str]:
        return {i.fides_key for i in items if not i.version_deprecated}

    return {
        "category": live(DEFAULT_TAXONOMY.data_category),
        "use": live(DEFAULT_TAXONOMY.data_use),
        "subject": live(DEFAULT_TAXONOMY.data_subject),
    }


def _check(manifest: dict[str, Any], known: dict[str, set[str]]) -> dict[str, Any]:
    try:
        taxonomy = Taxonomy.model_validate(manifest)
    except ValidationError as error:
        return {"problems": [f"fideslang: {e['loc']}: {e['msg']}" for e in error.errors()]}
    problems: list[str] = []

    def need(kind: str, key: str, where: str) -> None:
        if key not in known[kind]:
            problems.append(f"{where}: {kind} {key!r} is not in fideslang's taxonomy")

    systems = {s.fides_key for s in taxonomy.system}
    datasets = {d.fides_key for d in taxonomy.dataset}
    declarations = 0
    for system in taxonomy.system:
        for flow in (system.egress or []) + (system.ingress or []):
            if flow.fides_key not in systems:
                problems.append(f"{system.fides_key}: flow to undefined system {flow.fides_key}")
            for key in flow.data_categories or []:
                need("category", key, system.fides_key)
        for ref in system.dataset_references:
            if ref not in datasets:
                problems.append(f"{system.fides_key}: undefined dataset {ref}")
        for d in system.privacy_declarations:
            declarations += 1
            where = f"{system.fides_key}/{d.name}"
            need("use", d.data_use, where)
            for key in [*d.data_categories, *d.shared_categories]:
                need("category", key, where)
            for key in d.data_subjects:
                need("subject", key, where)
    for dataset in taxonomy.dataset:
        for collection in dataset.collections:
            for field in collection.fields:
                for key in field.data_categories or []:
                    need("category", key, f"{dataset.fides_key}/{collection.name}/{field.name}")
    return {
        "systems": len(taxonomy.system),
        "declarations": declarations,
        "datasets": len(datasets),
        "organizations": len(taxonomy.organization),
        "problems": problems,
    }


def main(keys_file: str, *manifests: str) -> None:
    known = _known()
    everything = set().union(*known.values())
    table = json.loads(Path(keys_file).read_text("utf-8"))
    print(
        json.dumps(
            {
                "fideslang": fideslang.__version__,
                "unknown_table_keys": sorted(set(table) - everything),
                "manifests": {
                    m: _check(json.loads(Path(m).read_text("utf-8")), known) for m in manifests
                },
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
