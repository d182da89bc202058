"""`baomat outbox status|send|requeue`: the email waiting for, or past, delivery."""

from __future__ import annotations

from typing import Annotated

import typer

from baomat import bootstrap
from baomat.cli._common import plain_errors
from baomat.config import Settings
from baomat.services import outbox
from baomat.services.tenants import PolicyCache

app = typer.Typer(help="Email to data subjects: what waits, what failed.", no_args_is_help=True)

TenantOption = Annotated[str | None, typer.Option(help="Only this tenant.")]


@app.command("status")
@plain_errors
def status(tenant: TenantOption = None) -> None:
    """Messages by status: pending, sent, failed, cancelled."""
    app_ = bootstrap.build(Settings())
    try:
        with app_.uow(read_only=True) as uow:
            counts = uow.outbox.counts(tenant)
    finally:
        app_.close()
    typer.echo(" ".join(f"{name}={n}" for name, n in counts.items()))


@app.command("send")
@plain_errors
def send(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 500,
) -> None:
    """Deliver the messages due now to the configured SMTP server."""
    app_ = bootstrap.build(Settings())
    try:
        transport = app_.mail_transport()
        if transport is None:
            typer.echo("error: no SMTP server is configured (set BAOMAT_SMTP_HOST)", err=True)
            raise typer.Exit(2)
        done = outbox.deliver(app_.uow, PolicyCache(), transport, app_.clock, limit=limit)
    finally:
        app_.close()
    typer.echo(
        f"sent={done.sent} retried={done.retried} failed={done.failed} cancelled={done.cancelled}"
    )


@app.command("requeue")
@plain_errors
def requeue(tenant: TenantOption = None) -> None:
    """Make failed messages due again, their attempts counted afresh."""
    app_ = bootstrap.build(Settings())
    try:
        with app_.uow() as uow:
            n = uow.outbox.requeue_failed(app_.clock(), tenant)
            uow.commit()
    finally:
        app_.close()
    typer.echo(f"{n} failed message{'s' if n != 1 else ''} due again")
