"""`baomat policy lint [--text] FILE`: text, JSON and HTML reports; exit 0, 1 or 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from baomat.cli.policy import app

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "policies"
SEEDS = ROOT / "tests" / "data" / "seeds"
DATA = ROOT / "tests" / "data"

runner = CliRunner()


def test_a_file_with_only_warnings_exits_0_with_one_line_per_finding() -> None:
    path = EXAMPLES / "wesale.yaml"
    result = runner.invoke(app, ["lint", str(path), "--lang", "en"])

    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{path}: W-complaint-channel-empty warning (Decree 52/2013 practice): "
        "complaints.channels[1]: Complaint channel 'email' has no address or number: "
        "fill in its value, or drop the channel.",
        f"{path}: W-notice-contact warning (Decree 13/2023/ND-CP Art. 13 [check]): "
        "organisation.contact_unit: The policy names no unit in charge of data protection: "
        "add organisation.contact_unit.",
        f"{path}: W-notice-processing-method warning (Decree 13/2023/ND-CP Art. 13 [check]): "
        "notice.processing_method: The policy does not say how personal data is processed: "
        "add notice.processing_method (how it is collected, where it is stored, how it is used "
        "and shared).",
        f"{path}: W-notice-possible-harm warning (Decree 13/2023/ND-CP Art. 13 [check]): "
        "notice.possible_harm: The policy does not state the unwanted consequences and harm "
        "that may occur: add notice.possible_harm.",
        f"{path}: errors: 0, warnings: 4",
    ]


def test_an_error_finding_exits_1_and_messages_default_to_vietnamese() -> None:
    path = EXAMPLES / "wesoft.yaml"
    result = runner.invoke(app, ["lint", str(path)])

    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(
        f"{path}: A69.1dd-contact error (Decree 52/2013/ND-CP Art. 69.1(đ)): organisation: "
        "Đơn vị thu thập không có số điện thoại hay email"
    )
    assert result.stdout.splitlines()[-1] == f"{path}: lỗi: 1, cảnh báo: 6"


def test_a_prose_policy_is_linted_with_text_and_its_lines() -> None:
    path = SEEDS / "wesale.txt"
    result = runner.invoke(app, ["lint", "--text", str(path), "--lang", "en"])

    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith(
        f"{path}:127: W-complaint-email-empty warning (Decree 52/2013 practice): "
    )


def test_json_holds_every_finding_in_both_languages() -> None:
    path = SEEDS / "wesoft.txt"
    result = runner.invoke(app, ["lint", "--text", str(path), "--format", "json"])

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["file"], report["errors"], report["warnings"]) == (str(path), 2, 3)
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [
        ("A69.1dd-contact", 43),
        ("A69.1e-access", None),
        ("W-complaints", None),
        ("W-notice-rights", None),
        ("W-retention-vague", 37),
    ]
    assert set(report["findings"][0]["message"]) == {"vi", "en"}


def test_html_is_one_autoescaped_page_in_the_chosen_language(tmp_path: Path) -> None:
    source = tmp_path / "<b>policy<i>.yaml"
    source.write_bytes((EXAMPLES / "clevergroup.yaml").read_bytes())
    target = tmp_path / "report.html"

    result = runner.invoke(
        app, ["lint", str(source), "--format", "html", "--lang", "en", "--output", str(target)]
    )

    assert result.exit_code == 1
    assert result.stdout == f"wrote {target}\n"
    page = target.read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "&lt;b&gt;policy&lt;i&gt;.yaml" in page and "<b>policy" not in page
    assert page.count('<tr class="error">') == 1
    assert page.count('<tr class="warning">') == 7
    assert "<script" not in page


def test_a_policy_file_that_does_not_load_exits_2_with_its_problems() -> None:
    bad = DATA / "invalid_policies" / "wrong_type.yaml"
    result = runner.invoke(app, ["lint", str(bad)])

    assert result.exit_code == 2
    assert f"{bad}:5: version:" in result.stderr
    assert result.stdout == ""


def test_a_missing_file_exits_2_without_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "absent.txt"
    result = runner.invoke(app, ["lint", "--text", str(missing)])

    assert result.exit_code == 2
    assert result.stderr == f"error: {missing}: cannot read the file: No such file or directory\n"


def test_an_image_renamed_to_txt_exits_2_naming_the_rule(tmp_path: Path) -> None:
    image = tmp_path / "policy.txt"
    image.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    result = runner.invoke(app, ["lint", "--text", str(image), "--lang", "en"])

    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: {image}: file: is a JPEG image, not text\nlỗi: {image}: file: "
    )


def test_a_twenty_megabyte_text_exits_2_by_size(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"Purpose of collection. " * (20 * 1024 * 1024 // 23))
    result = runner.invoke(app, ["lint", "--text", str(huge), "--lang", "en"])

    assert result.exit_code == 2
    assert "limit" in result.stderr
    assert "Traceback" not in result.output


def test_a_third_language_exits_2_in_both_languages(tmp_path: Path) -> None:
    french = tmp_path / "politique.txt"
    french.write_text(
        "Nous collectons vos données personnelles pour la livraison et nous les conservons "
        "pendant deux ans dans notre base de données.",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["lint", "--text", str(french)])

    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"\nlỗi: {french}: language: văn bản không phải tiếng Việt hay tiếng Anh\n"
    )
