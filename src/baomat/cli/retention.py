"""`baomat retention run`: the retention sweep, dry or for real."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from baomat import bootstrap
from baomat.cli._common import CLI_ACTOR, plain_errors
from baomat.config import Settings
from baomat.domain.calendar import load_vn_calendar
from baomat.domain.periods import end_of_day, last_day
from baomat.domain.retention import Action
from baomat.services import retention

app = typer.Typer(help="Erase what the tenants' retention rules say must go.", no_args_is_help=True)


@app.command("run")
@plain_errors
def run(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; erase nothing.")] = False,
    tenant: Annotated[str | None, typer.Option(help="Only this tenant.")] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge as at the end of this day (YYYY-MM-DD, Vietnam time)."),
    ] = None,
) -> None:
    """Print what the sweep erases (or would erase, with --dry-run) and why."""
    app_ = bootstrap.build(Settings())
    try:
        now = app_.clock()
        if as_of is not None:
            try:
                when = end_of_day(dt.date.fromisoformat(as_of))
            except ValueError:
                typer.echo("error: --as-of: must be a date written YYYY-MM-DD", err=True)
                raise typer.Exit(2) from None
            if when > now and not dry_run:
                typer.echo("error: --as-of: a date in the future needs --dry-run", err=True)
                raise typer.Exit(2)
            now = when
        calendar = load_vn_calendar()
        with app_.uow() as uow:
            ids = [tenant] if tenant else uow.tenants.ids()
        for tenant_id in ids:
            report = retention.sweep(
                app_.uow, tenant_id, now, calendar, dry_run=dry_run, actor=CLI_ACTOR
            )
            verb = "WOULD ERASE" if dry_run else "ERASE"
            for v in report.verdicts:
                label = verb if v.action is Action.ERASE else v.action.value.upper()
                # The day the period ends on (24:00 of it is the instant `v.due`).
                due = last_day(v.due).isoformat() if v.due else "-"
                typer.echo(f"{label} {tenant_id} {v.subject} rule={v.rule} due={due}: {v.reason}")
            typer.echo(
                f"{tenant_id}: {report.checked} subjects checked, "
                f"{report.count(Action.ERASE)} due for erasure"
                f"{'' if dry_run else f' ({report.erased} erased)'}, "
                f"{report.count(Action.HELD)} held, "
                f"{report.count(Action.REVIEW)} due for review"
            )
    finally:
        app_.close()
