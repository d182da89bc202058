"""`baomat policy import FILE`: draft a policy file from a privacy policy written in prose.

baomat policy import policy.html              -> the draft YAML on stdout, the summary on stderr
baomat policy import policy.txt --lang vi --output draft.yaml
                                              -> "wrote draft.yaml" and the summary
baomat policy import photo.txt                -> "error: photo.txt: file: is a JPEG image, not text"
                                                 and exit 2
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from baomat.cli._common import emit, fail
from baomat.policy.importer import Draft, draft, to_yaml
from baomat.policy.prose import MAX_BYTES, Document, ProseError, read_document


class ImportLang(StrEnum):
    AUTO = "auto"
    VI = "vi"
    EN = "en"


def register(app: typer.Typer) -> None:
    """Adds `import` to the `baomat policy` commands."""
    app.command("import")(import_policy)


def import_policy(
    file: Annotated[Path, typer.Argument(help="The privacy policy: plain text or HTML.")],
    lang: Annotated[
        ImportLang, typer.Option(help="Its language; auto tells Vietnamese from English.")
    ] = ImportLang.AUTO,
    output: Annotated[
        Path | None, typer.Option(help="Write the draft here instead of printing it.")
    ] = None,
) -> None:
    """Draft a policy file from a privacy policy in prose; list what needs review."""
    found = draft(_read(file, lang))
    emit(to_yaml(found), output)
    _summary(found)


def _read(file: Path, lang: ImportLang) -> Document:
    try:
        with file.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)  # one byte past the limit is enough to refuse it
    except OSError as error:
        fail(f"{file}: cannot read the file: {error.strerror or error}")
    try:
        return read_document(data, lang=lang.value)
    except ProseError as error:
        fail(f"{file}: {error}", f"{file}: {error.field}: {error.rule_vi}")


def _summary(found: Draft) -> None:
    """Counts of what was read, then every review item in both languages, on stderr."""
    contact = found.contact
    items = sum(x is not None for x in (contact.organisation, contact.address, contact.tax_code))
    items += len(contact.phones) + len(contact.emails)
    typer.echo(
        f"read ({found.language}): {len(found.fields)} fields, {len(found.purposes)} purposes, "
        f"{items} contact items, {len(found.recipients)} recipients, "
        f"{len(found.channels)} complaint channels",
        err=True,
    )
    typer.echo(f"to review ({len(found.review)}):", err=True)
    for item in found.review:
        where = f" (line {item.line})" if item.line is not None else ""
        typer.echo(f"  {item.key}{where}: {item.en} / {item.vi}", err=True)
