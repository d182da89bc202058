"""`baomat policy ...`: check, show and publish the schema of policy files.

baomat policy check a.yaml b.yaml  -> "OK a.yaml (tenant demo_shop, version 1)" or
                                      "b.yaml:12: purposes[0].fields[1]: ..." and exit 1
baomat policy show a.yaml --lang en -> the privacy notice in English
baomat policy schema --output schema/policy.schema.json
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from baomat.policy.errors import PolicyError, Problem
from baomat.policy.loader import load_policy
from baomat.policy.model import Policy
from baomat.policy.render import render
from baomat.policy.schema import schema_text

app = typer.Typer(help="Check and show policy files.", no_args_is_help=True)


class Lang(StrEnum):
    VI = "vi"
    EN = "en"


def _load(path: Path) -> Policy | list[Problem]:
    """A path -> its Policy, or the problems that stop it loading (an unreadable file too)."""
    try:
        return load_policy(path)
    except PolicyError as error:
        return error.problems
    except OSError as error:
        return [Problem(str(path), "", None, f"cannot read the file: {error.strerror or error}")]


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Policy files to check.")],
) -> None:
    """Check policy files; print every problem as file:line: path: rule."""
    failed = False
    for path in files:
        loaded = _load(path)
        if isinstance(loaded, Policy):
            typer.echo(f"OK {path} (tenant {loaded.tenant}, version {loaded.version})")
        else:
            failed = True
            for problem in loaded:
                typer.echo(str(problem))
    if failed:
        raise typer.Exit(1)


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="The policy file.")],
    lang: Annotated[Lang, typer.Option(help="Language of the notice.")] = Lang.VI,
) -> None:
    """Print a policy as the privacy notice people read."""
    loaded = _load(file)
    if not isinstance(loaded, Policy):
        for problem in loaded:
            typer.echo(str(problem))
        raise typer.Exit(1)
    typer.echo(render(loaded, "vi" if lang is Lang.VI else "en"), nl=False)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option(help="Write the JSON Schema here instead of printing it.")
    ] = None,
) -> None:
    """Print or write the JSON Schema of policy files."""
    text = schema_text()
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        typer.echo(f"{output}: cannot write the file: {error.strerror or error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {output}")
