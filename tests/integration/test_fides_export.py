"""The fides export of each seed policy validates with the fideslang package.

fideslang pins pydantic below 2.13, so it lives in its own environment (see
docs/decisions/012-fides-export.md); `BAOMAT_FIDES_PYTHON` names its
interpreter. Without it these tests skip, unless `BAOMAT_TEST_FIDES_REQUIRED=1`
(CI), where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from baomat.policy.fides import export, taxonomy_keys
from tests.conftest import EXAMPLES
from tests.integration.tenancy import example_policy

FIDES_PYTHON = os.environ.get("BAOMAT_FIDES_PYTHON", "")
REQUIRED = os.environ.get("BAOMAT_TEST_FIDES_REQUIRED", "") == "1"
CHECK = Path(__file__).with_name("fides_check.py")
SEEDS = tuple(sorted(p.stem for p in EXAMPLES.glob("*.yaml")))


def _fides_python() -> str:
    if FIDES_PYTHON and Path(FIDES_PYTHON).is_file():
        return FIDES_PYTHON
    reason = (
        f"BAOMAT_FIDES_PYTHON ({FIDES_PYTHON}) is not a file"
        if FIDES_PYTHON
        else "BAOMAT_FIDES_PYTHON is not set (a Python with fideslang installed, e.g. "
        "python3 -m venv .venv-fides && .venv-fides/bin/pip install 'fideslang==3.1.4')"
    )
    if REQUIRED:
        pytest.fail(f"fideslang is required (BAOMAT_TEST_FIDES_REQUIRED=1): {reason}")
    pytest.skip(reason)


def _validate(tmp_path: Path, manifests: dict[str, Any]) -> dict[str, Any]:
    """Runs fides_check.py under fideslang's interpreter on these manifests."""
    python = _fides_python()
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(sorted(taxonomy_keys())), "utf-8")
    paths = []
    for name, manifest in manifests.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
        paths.append(str(path))
    done = subprocess.run(  # noqa: S603 - our own script, under the interpreter CI names
        [python, str(CHECK), str(keys), *paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    result["manifests"] = {Path(k).stem: v for k, v in result["manifests"].items()}
    return result


def test_every_seed_policy_exports_a_data_map_fideslang_accepts(tmp_path: Path) -> None:
    manifests = {
        f"{name}-{lang}": export(example_policy(name), lang)
        for name in SEEDS
        for lang in ("en", "vi")
    }
    result = _validate(tmp_path, manifests)
    assert result["unknown_table_keys"] == []
    for name, checked in result["manifests"].items():
        assert checked["problems"] == [], name
        policy = example_policy(name.rsplit("-", 1)[0])
        outside = [r for r in policy.recipients if r.kind.value != "internal"]
        assert checked["systems"] == 1 + len(outside), name
        assert checked["datasets"] == 1 and checked["organizations"] == 1, name


def test_fideslang_check_rejects_a_key_outside_its_taxonomy(tmp_path: Path) -> None:
    manifest = export(example_policy("wesoft"))
    manifest["system"][0]["privacy_declarations"][0]["data_use"] = "marketing.carrier_pigeon"
    manifest["dataset"][0]["collections"][0]["fields"][0]["data_categories"] = ["user.aura"]
    broken = export(example_policy("wesale"))
    del broken["system"][0]["system_type"]

    result = _validate(tmp_path, {"unknown": manifest, "broken": broken})

    problems = result["manifests"]["unknown"]["problems"]
    assert any("'marketing.carrier_pigeon'" in p for p in problems)
    assert any("'user.aura'" in p for p in problems)
    assert any("system_type" in p for p in result["manifests"]["broken"]["problems"])
