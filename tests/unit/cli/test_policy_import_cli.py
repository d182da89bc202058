"""`baomat policy import FILE`: a draft on stdout or to a file, review items, exit 2 if bad."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from baomat.cli.policy import app

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"

runner = CliRunner()


def test_import_prints_the_draft_and_a_summary_of_what_to_review() -> None:
    result = runner.invoke(app, ["import", str(SEEDS / "wesale.txt")])

    assert result.exit_code == 0
    draft = yaml.safe_load(result.stdout)
    assert draft["format"] == "baomat/policy@1"
    assert draft["organisation"]["tax_code"] == "0110375724"
    assert "read (en): 9 fields, 8 purposes, 4 contact items" in result.stderr
    assert "  tenant: choose the tenant id / chọn mã tenant" in result.stderr


def test_import_writes_the_draft_to_output(tmp_path: Path) -> None:
    target = tmp_path / "draft.yaml"

    result = runner.invoke(
        app, ["import", str(SEEDS / "wesoft.txt"), "--lang", "vi", "--output", str(target)]
    )

    assert result.exit_code == 0
    assert result.stdout == f"wrote {target}\n"
    written = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert written["organisation"]["name"] == {"vi": "Cty TNHH WeGroup Holdings"}
    assert "organisation.emails (line 45): an email address is hidden" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file: is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file: is a PNG image, not text"),
        (b"%PDF-1.4\n", "file: is a PDF document, not text"),
        (
            "Nous collectons vos données personnelles pour traiter votre commande.".encode(),
            "language: the text is neither Vietnamese nor English",
        ),
        (b"We collect your email. " * 100_000, "file: is larger than the 2 MiB limit"),
    ],
    ids=["empty", "png", "pdf", "french", "too-large"],
)
def test_a_bad_file_gives_one_clear_error_and_exit_2(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes(content)

    result = runner.invoke(app, ["import", str(path)])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}: {message}")
    assert "lỗi: " in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_file_gives_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "none.txt")])

    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr
