"""`baomat docs` on a fresh home: the record of processing, the draft DPIA, the fides map."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from baomat.cli.main import app
from baomat.services._records_text import say
from tests.conftest import EXAMPLES

runner = CliRunner()


def _env(home: Path) -> dict[str, str | None]:
    return {
        "BAOMAT_HOME": str(home),
        "BAOMAT_DATABASE_URL": None,
        "BAOMAT_KEYSTORE_URL": None,
        "BAOMAT_MASTER_KEY": None,
        "BAOMAT_INDEX_KEY": None,
    }


def test_docs_writes_each_document_of_a_loaded_tenant(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert runner.invoke(app, ["init"], env=_env(home)).exit_code == 0

    for kind, lang, fmt in (("ropa", "vi", "html"), ("dpia", "en", "pdf")):
        out = tmp_path / f"{kind}.{fmt}"
        args = ["docs", kind, "--tenant", "wecan", "--lang", lang, "--format", fmt]
        done = runner.invoke(app, [*args, "--output", str(out)], env=_env(home))
        assert done.exit_code == 0, done.output
        assert f"wrote the {kind} of wecan ({lang}, {fmt})" in done.output
    assert say("ropa_title", "vi") in (tmp_path / "ropa.html").read_text("utf-8")
    assert (tmp_path / "dpia.pdf").read_bytes().startswith(b"%PDF-")

    live = runner.invoke(app, ["docs", "fides", "--tenant", "wesale"], env=_env(home))
    assert live.exit_code == 0, live.output
    assert yaml.safe_load(live.output)["system"][0]["fides_key"] == "wesale"


def test_docs_fides_reads_a_policy_file_without_a_store(tmp_path: Path) -> None:
    out = tmp_path / "wesoft.json"
    args = ["docs", "fides", "--policy", str(EXAMPLES / "wesoft.yaml"), "--format", "json"]

    done = runner.invoke(app, [*args, "--output", str(out)], env=_env(tmp_path / "none"))

    assert done.exit_code == 0, done.output
    assert json.loads(out.read_text("utf-8"))["organization"][0]["fides_key"] == "wesoft"
    assert not (tmp_path / "none").exists()


def test_docs_names_the_option_at_fault_in_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert runner.invoke(app, ["init"], env=_env(home)).exit_code == 0
    out = str(tmp_path / "x")

    cases = {
        ("ropa", "--tenant", "wecan", "--lang", "fr", "--output", out): "error: lang: ",
        ("dpia", "--tenant", "wecan", "--format", "docx", "--output", out): "error: format: ",
        ("ropa", "--tenant", "nobody", "--output", out): "error: tenant 'nobody' does not exist",
        ("fides",): "error: tenant: give either --tenant or --policy",
    }
    for args, said in cases.items():
        done = runner.invoke(app, ["docs", *args], env=_env(home))
        assert done.exit_code == 2
        assert done.output.startswith(said), done.output
