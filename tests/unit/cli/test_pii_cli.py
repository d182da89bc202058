"""`baomat pii scan FILE`: positions and kinds, never values; redaction; files that are not text."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from baomat.cli.main import app

runner = CliRunner()

REVIEW = "Sản phẩm tốt.\nGọi mình 0912 345 678 hoặc mail an.nguyen@gmail.com nhé.\n"


def _file(tmp_path: Path, content: bytes, name: str = "review.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_scan_prints_line_column_and_kind_but_no_value(tmp_path: Path) -> None:
    path = _file(tmp_path, REVIEW.encode())

    result = runner.invoke(app, ["pii", "scan", str(path)])

    assert result.exit_code == 1  # personal data found
    assert result.output == (
        f"{path}:2:10: phone (số điện thoại / phone number)\n"
        f"{path}:2:33: email (email / email address)\n"
        "2 found: email=1, phone=1\n"
    )
    assert "0912" not in result.output and "gmail" not in result.output


def test_scan_of_text_without_personal_data_exits_0(tmp_path: Path) -> None:
    path = _file(tmp_path, "Giá 1.250.000đ, đơn DH123456789, giao lúc 14:30.".encode())

    result = runner.invoke(app, ["pii", "scan", str(path)])

    assert result.exit_code == 0
    assert result.output == "0 found\n"


def test_scan_json_lists_findings_and_counts(tmp_path: Path) -> None:
    path = _file(tmp_path, REVIEW.encode())

    result = runner.invoke(app, ["pii", "scan", str(path), "--json"])

    doc = json.loads(result.output)
    assert doc["counts"] == {"phone": 1, "email": 1}
    assert doc["findings"][0] == {"line": 2, "column": 10, "length": 12, "kind": "phone"}


def test_redact_prints_the_text_with_placeholders(tmp_path: Path) -> None:
    path = _file(tmp_path, REVIEW.encode())

    result = runner.invoke(app, ["pii", "scan", str(path), "--redact"])

    assert result.exit_code == 0
    assert result.output == "Sản phẩm tốt.\nGọi mình [phone] hoặc mail [email] nhé.\n"


def test_html_is_read_without_its_scripts_and_styles(tmp_path: Path) -> None:
    page = (
        "<!doctype html><html><head><style>.a{content:'0912345678'}</style></head>"
        "<body><p>Liên hệ 0987 654 321</p><script>var t='0912345678';</script></body></html>"
    )
    path = _file(tmp_path, page.encode(), "page.html")

    result = runner.invoke(app, ["pii", "scan", str(path), "--redact"])

    assert result.output == "Liên hệ [phone]\n"


def test_a_pdf_renamed_txt_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = _file(tmp_path, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "review.txt")

    result = runner.invoke(app, ["pii", "scan", str(path)])

    assert result.exit_code == 2
    assert result.output == "error: file: is a PDF document, not text\n"


def test_a_missing_file_is_one_error_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["pii", "scan", str(tmp_path / "none.txt")])

    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert "Traceback" not in result.output
