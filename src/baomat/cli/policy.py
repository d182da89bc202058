"""`baomat policy ...`: check and show policy files."""

import typer

app = typer.Typer(help="Check and show policy files.", no_args_is_help=True)
