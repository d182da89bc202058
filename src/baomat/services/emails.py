"""Email texts from Jinja2 templates, in Vietnamese and English.

    render("login_code", "en", {"organisation": "WeSale", "code": "042917", "minutes": 10})
    → Rendered(subject="Your WeSale login code: 042917", text="Hello, ...", html=None)

Templates live in `baomat/data/templates/email/<language>/`: `<name>.subject.j2`
(one line), `<name>.txt.j2` and, optionally, `<name>.html.j2` (autoescaped).
A missing context variable is an error, not an empty string.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import jinja2

LANGUAGES = ("vi", "en")


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str | None


class UnknownTemplate(LookupError):
    """No template of that name in that language."""


@cache
def _environment() -> jinja2.Environment:
    root = Path(str(files("baomat") / "data" / "templates" / "email"))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        # Templates are package data: compile each once, never stat it again on use.
        auto_reload=False,
    )


def render(name: str, language: str, context: dict[str, object]) -> Rendered:
    """The message `name` in `language` with `context` → its subject line, text and HTML."""
    if language not in LANGUAGES:
        raise UnknownTemplate(f"no email language '{language}'")
    env = _environment()
    try:
        subject = env.get_template(f"{language}/{name}.subject.j2").render(context)
        text = env.get_template(f"{language}/{name}.txt.j2").render(context)
    except jinja2.TemplateNotFound as missing:
        raise UnknownTemplate(f"no email template '{name}' in '{language}'") from missing
    try:
        html: str | None = env.get_template(f"{language}/{name}.html.j2").render(context)
    except jinja2.TemplateNotFound:
        html = None
    # A header cannot span lines: the subject is its first line, trimmed.
    return Rendered(subject.strip().splitlines()[0], text, html)


@cache
def names() -> frozenset[str]:
    """Every template name, each present in every language (a test pins that).

    Listed once: `outbox.queue` checks each message's template against it, and a
    breach notice queues one message per affected subject.
    """
    env = _environment()
    return frozenset(t.split("/", 1)[1].split(".", 1)[0] for t in env.list_templates())
