"""A policy's lint findings as text, JSON or an HTML page, in Vietnamese or English.

    as_text(findings, "wesale.txt", "en")
    -> "wesale.txt:127: W-complaint-email-empty warning (Decree 52/2013 practice): The text ...\\n
        wesale.txt: errors: 0, warnings: 1\\n"
    as_json(findings, "wesale.txt") -> '{"file": "wesale.txt", "errors": 0, "warnings": 1, ...}'
    as_html(findings, "wesale.txt", "vi") -> "<!DOCTYPE html>..."   # Jinja2, autoescaped

One line per finding: the file (with the line for prose), the rule, its
severity, the article, the path in a policy file, and what to add. JSON holds
both languages; text and HTML the one asked for. Labels are in
`baomat/data/labels/lint.yaml`, the page in `templates/lint/report.html.j2`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import jinja2
import yaml

from baomat.policy._lint_catalogue import Finding, Lang


@cache
def _labels() -> dict[str, dict[str, str]]:
    text = (resources.files("baomat") / "data" / "labels" / "lint.yaml").read_text("utf-8")
    loaded: dict[str, dict[str, str]] = yaml.safe_load(text)
    return loaded


def _label(key: str, lang: Lang) -> str:
    return _labels()[key][lang]


def summary(findings: list[Finding], lang: Lang) -> str:
    """-> "2 errors, 5 warnings" (in `lang`)."""
    errors = sum(f.severity == "error" for f in findings)
    return _label("summary", lang).format(errors=errors, warnings=len(findings) - errors)


def as_text(findings: list[Finding], source: str, lang: Lang) -> str:
    """`file[:line]: RULE severity (article): [path: ]message` per finding, then a summary."""
    lines = []
    for f in findings:
        where = source if f.line is None else f"{source}:{f.line}"
        path = f"{f.path}: " if f.path else ""
        lines.append(f"{where}: {f.rule} {f.severity} ({f.article}): {path}{f.message(lang)}")
    lines.append(f"{source}: {summary(findings, lang)}")
    return "\n".join(lines) + "\n"


def as_json(findings: list[Finding], source: str) -> str:
    """The findings as one JSON object, both languages' messages included."""
    errors = sum(f.severity == "error" for f in findings)
    document = {
        "file": source,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "article": f.article,
                "path": f.path or None,
                "line": f.line,
                "message": {"vi": f.message_vi, "en": f.message_en},
            }
            for f in findings
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


@cache
def _environment() -> jinja2.Environment:
    folder = resources.files("baomat") / "data" / "templates" / "lint"
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def as_html(findings: list[Finding], source: str, lang: Lang) -> str:
    """The findings as one self-contained HTML page (inline style, no script, no link)."""
    rows = [
        {
            "rule": f.rule,
            "severity": f.severity,
            "article": f.article,
            "where": f.path if f.line is None else f"{_label('line', lang)} {f.line}",
            "message": f.message(lang),
        }
        for f in findings
    ]
    label = {key: texts[lang] for key, texts in _labels().items()}
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            lang=lang,
            source=source,
            findings=rows,
            label=label,
            summary=summary(findings, lang),
        )
    )
