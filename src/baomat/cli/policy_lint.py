"""`baomat policy lint`: check a policy file, or a policy in prose, against the law.

baomat policy lint wesale.yaml                 -> one line per finding, then "0 errors, 2 warnings"
baomat policy lint --text wesoft.txt --lang vi -> the same for a prose policy, in Vietnamese
baomat policy lint a.yaml --format html --output report.html

Exit 0 when nothing is an error, 1 when a finding is an error (Decree 52/2013
Art. 69.1), 2 when the file cannot be read as a policy (with why, never a traceback).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from baomat.cli._common import emit, fail
from baomat.policy.errors import PolicyError
from baomat.policy.lawprofile import LawProfileError
from baomat.policy.lint import Finding, Language, has_errors, lint_policy, lint_text
from baomat.policy.lint_report import as_html, as_json, as_text
from baomat.policy.loader import load_policy
from baomat.policy.prose import MAX_BYTES, ProseError, read_document


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"


class Lang(StrEnum):
    VI = "vi"
    EN = "en"


def register(app: typer.Typer) -> None:
    """Adds `lint` to the `baomat policy` commands."""
    app.command("lint")(lint)


def lint(
    file: Annotated[
        Path, typer.Argument(help="The policy file (YAML), or with --text a prose policy.")
    ],
    text: Annotated[
        bool,
        typer.Option("--text", help="FILE is a policy in prose: plain text or HTML, vi or en."),
    ] = False,
    format: Annotated[Format, typer.Option(help="Report format.")] = Format.TEXT,
    lang: Annotated[Lang, typer.Option(help="Language of the messages.")] = Lang.VI,
    output: Annotated[
        Path | None, typer.Option(help="Write the report here instead of printing it.")
    ] = None,
) -> None:
    """Check a policy against Decree 52/2013 Art. 69.1 (errors) and practice (warnings)."""
    language: Language = "vi" if lang is Lang.VI else "en"
    findings = _lint_text(file) if text else _lint_file(file)
    source = str(file)
    if format is Format.JSON:
        report = as_json(findings, source)
    elif format is Format.HTML:
        report = as_html(findings, source, language)
    else:
        report = as_text(findings, source, language)
    emit(report, output)
    raise typer.Exit(1 if has_errors(findings) else 0)


def _lint_file(file: Path) -> list[Finding]:
    try:
        return lint_policy(load_policy(file))
    except PolicyError as error:
        for problem in error.problems:  # located, as `policy check` prints them
            typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    except (OSError, LawProfileError) as error:
        fail(_unreadable(file, error))


def _lint_text(file: Path) -> list[Finding]:
    try:
        with file.open("rb") as handle:
            # one byte past the limit is enough for read_document to refuse a larger file
            data = handle.read(MAX_BYTES + 1)
        return lint_text(read_document(data))
    except ProseError as error:
        fail(f"{file}: {error.field}: {error.rule}", f"{file}: {error.field}: {error.rule_vi}")
    except OSError as error:
        fail(_unreadable(file, error))


def _unreadable(file: Path, error: Exception) -> str:
    if isinstance(error, OSError):
        return f"{file}: cannot read the file: {error.strerror or error}"
    return f"{file}: {error}"
