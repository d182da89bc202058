"""`baomat policy check|show|schema`: located problems, exit codes, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from baomat.cli.policy import app
from baomat.policy.schema import schema_text

DATA = Path(__file__).resolve().parents[2] / "data"
VALID = DATA / "valid_minimal.yaml"
INVALID = sorted((DATA / "invalid_policies").glob("*.yaml"))

runner = CliRunner()


def test_check_says_ok_with_tenant_and_version_for_a_good_file() -> None:
    result = runner.invoke(app, ["check", str(VALID)])
    assert result.exit_code == 0
    assert result.output == f"OK {VALID} (tenant demo_shop, version 1)\n"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_check_fails_a_bad_file_with_located_problems_and_no_traceback(path: Path) -> None:
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_check_prints_file_line_path_rule() -> None:
    path = DATA / "invalid_policies" / "purpose_uses_undeclared_field.yaml"
    result = runner.invoke(app, ["check", str(path)])
    assert result.output == (
        f"{path}:41: purposes[1].fields[1]: purpose 'marketing_email' uses field 'fax' "
        "that no subject type declares\n"
    )


def test_check_reports_every_file_and_fails_if_any_fails() -> None:
    bad = DATA / "invalid_policies" / "wrong_type.yaml"
    result = runner.invoke(app, ["check", str(VALID), str(bad)])
    assert result.exit_code == 1
    assert f"OK {VALID}" in result.output
    assert f"{bad}:5: version:" in result.output


def test_check_reports_a_missing_file_without_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    result = runner.invoke(app, ["check", str(missing)])
    assert result.exit_code == 1
    assert result.output == f"{missing}: cannot read the file: No such file or directory\n"


def test_check_refuses_a_five_megabyte_file(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"a: b\n" * 1_000_000)
    result = runner.invoke(app, ["check", str(huge)])
    assert result.exit_code == 1
    assert "5,000,000 bytes; policy files are limited to 1,048,576 bytes" in result.output
    assert "Traceback" not in result.output


def test_check_refuses_a_directory_without_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "cannot read the file" in result.output


def test_show_prints_the_notice_in_vietnamese_by_default() -> None:
    result = runner.invoke(app, ["show", str(VALID)])
    assert result.exit_code == 0
    assert result.output.startswith("Chính sách bảo vệ dữ liệu cá nhân — ")


def test_show_prints_the_notice_in_english_on_request() -> None:
    result = runner.invoke(app, ["show", str(VALID), "--lang", "en"])
    assert result.exit_code == 0
    assert result.output.startswith("Privacy policy — Demo Shop Co., Ltd.")


def test_show_fails_a_bad_file_with_its_problems() -> None:
    bad = DATA / "invalid_policies" / "wrong_type.yaml"
    result = runner.invoke(app, ["show", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:5: version:" in result.output


def test_schema_prints_the_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.output == schema_text()


def test_schema_writes_the_file_given_with_output(tmp_path: Path) -> None:
    target = tmp_path / "policy.schema.json"
    result = runner.invoke(app, ["schema", "--output", str(target)])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == schema_text()


def test_schema_reports_an_unwritable_output_without_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "--output", str(tmp_path / "no" / "such" / "x.json")])
    assert result.exit_code == 1
    assert "cannot write the file" in result.output
