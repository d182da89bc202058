"""`baomat pii scan FILE`: where a text or HTML file holds personal data, or the file redacted.

Prints ``line:column kind`` per finding, never the value; ``--json`` the same
as a document; ``--redact`` the text with each finding replaced by ``[kind]``.
Exit code 1 when personal data was found (so a script can stop on it), 0
when none was or with ``--redact``, 2 for a file that is not text.
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path
from typing import Annotated

import typer

from baomat.cli._common import plain_errors
from baomat.domain import pii
from baomat.domain.plain_text import text_of

app = typer.Typer(help="Find personal data in free text.", no_args_is_help=True)


@app.command("scan")
@plain_errors
def scan(
    path: Annotated[Path, typer.Argument(help="A UTF-8 text or HTML file.")],
    redact: Annotated[
        bool, typer.Option("--redact", help="Print the text with each finding replaced.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """List the personal data in a file by line, column and kind (never the values)."""
    text = text_of(path.read_bytes())
    found = pii.scan(text)
    if redact:
        typer.echo(pii.redact(text, found), nl=False)
        return
    where = _positions(text, found)
    tally = {kind.value: n for kind, n in pii.counts(found).items()}
    if as_json:
        findings = [
            {"line": line, "column": column, "length": f.end - f.start, "kind": f.kind.value}
            for f, (line, column) in zip(found, where, strict=True)
        ]
        typer.echo(json.dumps({"findings": findings, "counts": tally}, ensure_ascii=False))
    else:
        for f, (line, column) in zip(found, where, strict=True):
            vi, en = pii.LABELS[f.kind]
            typer.echo(f"{path}:{line}:{column}: {f.kind.value} ({vi} / {en})")
        summary = ", ".join(f"{kind}={n}" for kind, n in sorted(tally.items()))
        typer.echo(f"{len(found)} found{': ' + summary if summary else ''}")
    if found:
        raise typer.Exit(1)


def _positions(text: str, found: tuple[pii.Finding, ...]) -> list[tuple[int, int]]:
    """1-based (line, column) of each finding's start."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)] if found else [0]
    where = []
    for finding in found:
        line = bisect.bisect_right(starts, finding.start)
        where.append((line, finding.start - starts[line - 1] + 1))
    return where
