"""A document to hand to an authority or keep on file, rendered alike as HTML and as PDF.

    doc = Document("vi", "Thông báo …", ("Kính gửi: …",), (Section("Mô tả", rows=(("Thời điểm",
                   "13/02/2026 16:30"),)),), "baomat")
    html(doc) -> "<!DOCTYPE html>…"          # Jinja2, autoescaped
    pdf(doc, created=now) -> b"%PDF-1.…"      # fpdf2 with the bundled DejaVu Sans

Both formats are drawn from the one structure, so what one says the other
says. The PDF embeds DejaVu Sans (`baomat/data/fonts`, its licence beside
it), a subset of it, which has every Vietnamese letter precomposed; text is
put in NFC first so no letter arrives as a base and a combining mark.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
import yaml
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

FONT = "DejaVu"


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered part: label–value rows, paragraphs, and a table whose first row is its head."""

    heading: str
    rows: tuple[tuple[str, str], ...] = ()
    text: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    language: str
    title: str
    lines: tuple[str, ...]
    """Under the title: to whom, on what basis, which notice."""
    sections: tuple[Section, ...]
    footer: str


@dataclass(frozen=True, slots=True)
class Labels:
    """A document's texts in Vietnamese and English, from `data/labels/<name>.yaml`.

    Labels("incident").say("time", "vi") -> "Thời gian xảy ra vi phạm"
    Labels("incident").label("phases", "initial", "en") -> "Initial notice"
    """

    name: str

    def all(self) -> dict[str, Any]:
        """The whole file, read once per name."""
        return _labels(self.name)

    def say(self, key: str, lang: str, **fill: object) -> str:
        """A text of the `text` group, its placeholders filled from `fill`."""
        return str(self.all()["text"][key][lang]).format(**fill)

    def label(self, group: str, key: str, lang: str) -> str:
        """A label of a group."""
        return str(self.all()[group][key][lang])


@cache
def _labels(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (_data() / "labels" / f"{name}.yaml").read_text("utf-8")
    )
    return loaded


def _data() -> Path:
    return Path(str(files("baomat") / "data"))


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_data() / "templates" / "documents"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def html(doc: Document) -> str:
    """The document as one self-contained HTML page (inline style, no script, no link)."""
    return _environment().get_template("document.html.j2").render(doc=_nfc(doc))


def pdf(doc: Document, created: dt.datetime) -> bytes:
    """The document as an A4 PDF dated `created`."""
    doc = _nfc(doc)
    out = FPDF(format="A4")
    out.set_creation_date(created.astimezone(dt.UTC))
    out.set_title(doc.title)
    out.set_lang(doc.language)
    out.set_creator("baomat")
    fonts = _data() / "fonts"
    out.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
    out.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    out.set_margins(18, 16, 18)
    out.set_auto_page_break(auto=True, margin=16)
    out.add_page()
    out.set_font(FONT, "B", 13)
    _para(out, doc.title, 7, align="C")
    out.set_font(FONT, "", 10)
    for line in doc.lines:
        _para(out, line, 5.5, align="C")
    for number, section in enumerate(doc.sections, 1):
        out.ln(3)
        _keep(out, 22)  # a heading with at least its first row
        out.set_font(FONT, "B", 11)
        _para(out, f"{number}. {section.heading}", 6.5)
        for label, value in section.rows:
            _keep(out, 11)  # a label with its value's first line
            out.set_font(FONT, "B", 9.5)
            _para(out, label, 5)
            out.set_font(FONT, "", 10)
            _para(out, value, 5.2, indent=4)
        out.set_font(FONT, "", 10)
        for paragraph in section.text:
            _para(out, paragraph, 5.2)
        if section.table:
            _table(out, section.table)
    out.ln(4)
    out.set_font(FONT, "", 8)
    _para(out, doc.footer, 4.2)
    return bytes(out.output())


def _keep(out: FPDF, height: float) -> None:
    """Starts a new page unless `height` millimetres fit on this one."""
    if out.will_page_break(height):
        out.add_page()


def _para(out: FPDF, text: str, height: float, *, align: str = "L", indent: float = 0) -> None:
    if indent:
        out.set_x(out.l_margin + indent)
    out.multi_cell(
        out.epw - indent, height, text or "—", align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _table(out: FPDF, rows: tuple[tuple[str, ...], ...]) -> None:
    out.ln(1)
    out.set_font(FONT, "", 9)
    with out.table(
        headings_style=FontFace(emphasis="BOLD"), line_height=5, padding=1.2, text_align="LEFT"
    ) as table:
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(value)
    out.ln(1)


def _nfc(doc: Document) -> Document:
    def n(s: str) -> str:
        return unicodedata.normalize("NFC", s)

    return Document(
        doc.language,
        n(doc.title),
        tuple(map(n, doc.lines)),
        tuple(
            Section(
                n(s.heading),
                tuple((n(a), n(b)) for a, b in s.rows),
                tuple(map(n, s.text)),
                tuple(tuple(map(n, row)) for row in s.table),
            )
            for s in doc.sections
        ),
        n(doc.footer),
    )
