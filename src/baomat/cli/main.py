"""The `baomat` command: one Typer app, one sub-app per concept.

Every command is parse, call one service, print. Known errors become one
plain line on stderr and exit code 2; no traceback reaches the user.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from baomat import bootstrap
from baomat.cli import apikey, docs, jobs, outbox, pii, policy, retention, staff
from baomat.cli._common import CLI_ACTOR, plain_errors
from baomat.config import Settings
from baomat.policy.loader import load_policy
from baomat.services import audit, keys, tenants

app = typer.Typer(
    name="baomat",
    help="baomat: personal-data protection for websites under Vietnamese law.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(policy.app, name="policy")
app.add_typer(retention.app, name="retention")
app.add_typer(apikey.app, name="apikey")
app.add_typer(staff.app, name="staff")
app.add_typer(outbox.app, name="outbox")
app.add_typer(jobs.app, name="jobs")
app.add_typer(docs.app, name="docs")
app.add_typer(pii.app, name="pii")
app.command("worker")(jobs.worker)
audit_app = typer.Typer(help="Check the tamper-evident audit trail.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage encryption keys.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")


def default_examples() -> Path | None:
    """The example policies: ./examples/policies, else the source tree's."""
    for candidate in (
        Path.cwd() / "examples" / "policies",
        Path(__file__).resolve().parents[3] / "examples" / "policies",
    ):
        if candidate.is_dir():
            return candidate
    return None


@app.command()
@plain_errors
def init(
    policies: Annotated[
        Path | None,
        typer.Option(help="Folder of policy files to load as tenants (default: the examples)."),
    ] = None,
) -> None:
    """Create the home folder, keys and store, and load the example tenants."""
    settings = Settings()
    created = bootstrap.ensure_keys(settings)
    app_ = bootstrap.build(settings)
    try:
        typer.echo(f"home: {settings.home}")
        typer.echo("keys: created" if created else "keys: kept the existing ones")
        folder = policies or default_examples()
        if folder is None:
            typer.echo("no policy folder found; pass --policies DIR to load tenants")
            return
        for path in sorted(folder.glob("*.yaml")):
            loaded = load_policy(path)
            outcome = tenants.publish_policy(
                app_.uow(), loaded, path.read_text(encoding="utf-8"), CLI_ACTOR, app_.clock()
            )
            typer.echo(f"tenant {loaded.tenant}: version {loaded.version} {outcome}")
    finally:
        app_.close()


@audit_app.command("verify")
@plain_errors
def audit_verify(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's chain.")] = None,
) -> None:
    """Verify every audit chain; exit 1 naming the first broken link."""
    app_ = bootstrap.build(Settings())
    try:
        checked, broken = audit.verify(app_.uow(), tenant)
    finally:
        app_.close()
    if broken is not None:
        typer.echo(f"BROKEN: {broken}", err=True)
        typer.echo(f"checked {checked} entries before the break", err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {checked} audit entries verified")


@keys_app.command("rotate")
@plain_errors
def keys_rotate() -> None:
    """Rewrap every subject's data key under a new master key."""
    if "BAOMAT_MASTER_KEY" in os.environ:
        typer.echo(
            "error: the master key comes from BAOMAT_MASTER_KEY; unset it to rotate the "
            "key file, or rotate in the environment that provides it",
            err=True,
        )
        raise typer.Exit(2)
    settings = Settings()
    app_ = bootstrap.build(settings)
    try:
        key_id, count = keys.rotate(app_.uow(), settings.home, CLI_ACTOR, app_.clock())
    finally:
        app_.close()
    typer.echo(f"rotated: master key {key_id}, {count} data keys rewrapped")


@app.command()
@plain_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API until stopped (OpenAPI document at /openapi.json)."""
    # The web stack is imported only to serve, so other commands start quicker.
    from baomat.api import server
    from baomat.api.app import create_app

    app_ = bootstrap.build(Settings())
    try:
        typer.echo(
            f"baomat API on http://{host}:{port}/v1 (OpenAPI at http://{host}:{port}/openapi.json)"
        )
        runner = bootstrap.job_runner(app_)
        typer.echo("jobs: run here" if runner else "jobs: run by `baomat worker` processes")
        server.run(create_app(app_, jobs=runner), host=host, port=port)
    finally:
        app_.close()


@app.command()
def bench(
    quick: Annotated[bool, typer.Option(help="Smaller sizes, under a minute.")] = False,
) -> None:
    """Print `BENCH <name> <value> <unit>` lines measured side by side in one run."""
    from baomat.bench import run

    run(quick=quick, out=sys.stdout)


def main() -> None:
    app()
