"""`baomat apikey ...`: create, revoke and list a tenant's API keys.

baomat apikey create --tenant wesale --label "shop backend"  -> bm_<id>_<secret> (shown once)
baomat apikey list --tenant wesale                          -> one line per key, no secrets
baomat apikey revoke --tenant wesale 3f2a9c0d1e4b5a69
"""

from __future__ import annotations

from typing import Annotated

import typer

from baomat import bootstrap
from baomat.cli._common import CLI_ACTOR, plain_errors
from baomat.config import Settings
from baomat.services import api_keys

app = typer.Typer(help="Manage tenants' API keys.", no_args_is_help=True)

Tenant = Annotated[str, typer.Option(help="The tenant (its policy's `tenant`).")]


@app.command()
@plain_errors
def create(
    tenant: Tenant,
    label: Annotated[str, typer.Option(help="What the key is for, e.g. 'shop backend'.")],
) -> None:
    """Create an API key and print it: it is shown this once and cannot be shown again."""
    app_ = bootstrap.build(Settings())
    try:
        key = api_keys.create(app_.uow(), tenant, label, CLI_ACTOR, app_.clock())
    finally:
        app_.close()
    typer.echo(key)
    typer.echo(
        "This key is shown only once: store it now in your backend's secrets. "
        "baomat keeps only a hash of it.",
        err=True,
    )


@app.command()
@plain_errors
def revoke(
    tenant: Tenant,
    key_id: Annotated[str, typer.Argument(help="The key's id, as `apikey list` shows it.")],
) -> None:
    """Revoke an API key: calls made with it are refused from now on."""
    app_ = bootstrap.build(Settings())
    try:
        api_keys.revoke(app_.uow(), tenant, key_id, CLI_ACTOR, app_.clock())
    finally:
        app_.close()
    typer.echo(f"revoked: {key_id}")


@app.command("list")
@plain_errors
def list_(tenant: Tenant) -> None:
    """List a tenant's API keys: id, created, revoked or active, label. Never a secret."""
    app_ = bootstrap.build(Settings())
    try:
        keys = api_keys.list_keys(app_.uow(), tenant)
    finally:
        app_.close()
    if not keys:
        typer.echo(f"tenant {tenant} has no API keys")
    for key in keys:
        state = "active" if key.revoked_at is None else f"revoked {key.revoked_at:%Y-%m-%d %H:%M}"
        typer.echo(f"{key.id}  created {key.created_at:%Y-%m-%d %H:%M}  {state}  {key.label}")
