"""`baomat staff ...`: create, disable and list a tenant's staff accounts.

baomat staff create --tenant wesale --id lan.nguyen --role dpo   -> asks for the password twice
printf '%s\\n' "$PW" | baomat staff create --tenant wesale --id lan --role dpo --password-stdin
baomat staff list --tenant wesale                              -> one line per account
baomat staff disable --tenant wesale --id lan.nguyen
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from baomat import bootstrap
from baomat.cli._common import CLI_ACTOR, plain_errors
from baomat.config import Settings
from baomat.domain.roles import Role
from baomat.services import staff

app = typer.Typer(help="Manage a tenant's staff accounts and their roles.", no_args_is_help=True)

Tenant = Annotated[str, typer.Option(help="The tenant (its policy's `tenant`).")]
StaffId = Annotated[str, typer.Option("--id", help="The account id, e.g. lan.nguyen.")]


@app.command()
@plain_errors
def create(
    tenant: Tenant,
    staff_id: StaffId,
    role: Annotated[Role, typer.Option(help="What the account may do.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a staff account; the password is asked twice, hidden, unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    app_ = bootstrap.build(Settings())
    try:
        staff.create_staff(app_.uow(), tenant, staff_id, role, password, CLI_ACTOR, app_.clock())
    finally:
        app_.close()
    typer.echo(f"created: {staff_id} ({role.value})")


@app.command()
@plain_errors
def disable(tenant: Tenant, staff_id: StaffId) -> None:
    """Disable a staff account: its logins and open sessions are refused from now on."""
    app_ = bootstrap.build(Settings())
    try:
        staff.disable_staff(app_.uow(), tenant, staff_id, CLI_ACTOR, app_.clock())
    finally:
        app_.close()
    typer.echo(f"disabled: {staff_id}")


@app.command("list")
@plain_errors
def list_(tenant: Tenant) -> None:
    """List a tenant's staff accounts: id, role, created, active or disabled."""
    app_ = bootstrap.build(Settings())
    try:
        accounts = staff.list_staff(app_.uow(), tenant)
    finally:
        app_.close()
    if not accounts:
        typer.echo(f"tenant {tenant} has no staff accounts")
    for account in accounts:
        state = (
            "active"
            if account.disabled_at is None
            else f"disabled {account.disabled_at:%Y-%m-%d %H:%M}"
        )
        typer.echo(
            f"{account.id}  {account.role.value}  created {account.created_at:%Y-%m-%d %H:%M}"
            f"  {state}"
        )
