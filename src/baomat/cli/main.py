"""The `baomat` command: one Typer app, one sub-app per concept."""

from __future__ import annotations

import typer

from baomat.cli import policy

app = typer.Typer(
    name="baomat",
    help="baomat: personal-data protection for websites under Vietnamese law.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(policy.app, name="policy")


def main() -> None:
    app()
