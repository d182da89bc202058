"""`baomat policy ...`: check, show and publish policy files, and the schema of them.

baomat policy check a.yaml b.yaml  -> "OK a.yaml (tenant demo_shop, version 1)" or
                                      "b.yaml:12: purposes[0].fields[1]: ..." and exit 1
baomat policy show a.yaml --lang en -> the privacy notice in English
baomat policy schema --output schema/policy.schema.json
baomat policy publish v2.yaml --tenant wesoft [--dry-run] -> each change, MATERIAL or not,
                                      and the notices queued
baomat policy notices [--tenant T]  -> finishes telling subjects of changes, where a run stopped
baomat policy lint a.yaml [--text] -> findings against the law (policy_lint.py)
baomat policy import old.html     -> a draft policy file from a prose policy (policy_import.py)
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from baomat import bootstrap
from baomat.cli import policy_import, policy_lint
from baomat.cli._common import CLI_ACTOR, plain_errors
from baomat.config import Settings
from baomat.policy.errors import PolicyError, Problem
from baomat.policy.loader import load_policy
from baomat.policy.model import Policy
from baomat.policy.render import render
from baomat.policy.schema import schema_text
from baomat.services import policy_changes, tenants

app = typer.Typer(help="Check and show policy files.", no_args_is_help=True)
# `lint` and `import` are modules of their own, each registering its command here.
policy_lint.register(app)
policy_import.register(app)


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


@app.command()
@plain_errors
def publish(
    file: Annotated[Path, typer.Argument(help="The policy file of the new version.")],
    tenant: Annotated[str, typer.Option(help="The tenant the file is for (checked).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the changes; publish nothing, tell no one.")
    ] = False,
    lang: Annotated[Lang, typer.Option(help="Language of the changes' texts.")] = Lang.VI,
) -> None:
    """Publish a version of a tenant's policy: print each change, MATERIAL or not, and the
    notices its change-notice mode queued; a file that fails its checks publishes nothing."""
    loaded = load_policy(file)
    if loaded.tenant != tenant:
        typer.echo(
            f"error: {file} is tenant '{loaded.tenant}''s policy, not '{tenant}''s", err=True
        )
        raise typer.Exit(2)
    document = file.read_bytes().decode("utf-8-sig")
    app_ = bootstrap.build(Settings())
    try:
        if dry_run:
            done = tenants.preview(app_.uow(read_only=True), loaded, document)
        else:
            done = tenants.publish(app_.uow(), loaded, document, CLI_ACTOR, app_.clock())
    finally:
        app_.close()
    _print_publication(done, tenant, dry_run, "vi" if lang is Lang.VI else "en")


def _print_publication(done: tenants.Publication, tenant: str, dry_run: bool, lang: str) -> None:
    verb = {"created": "created", "published": "published", "unchanged": "unchanged"}[done.outcome]
    if dry_run and done.outcome != "unchanged":
        verb = f"would be {verb}"
    since = f" (from version {done.previous_version})" if done.previous_version else ""
    shown = f"; last updated {done.last_updated.isoformat()}" if done.last_updated else ""
    typer.echo(f"tenant {tenant}: version {done.version} {verb}{since}{shown}")
    for change in done.changes:
        label = "MATERIAL    " if change.material else "not material"
        typer.echo(f"{label} {change.code} {change.path}: {change.text(lang)}")
    material = sum(c.material for c in done.changes)
    if done.outcome == "published":
        typer.echo(
            f"{len(done.changes)} changes, {material} material; notice mode: {done.notice_mode}"
        )
    for run in done.notices:
        _print_run(run)
    if dry_run:
        typer.echo("dry run: nothing published, no one told")


def _print_run(run: policy_changes.NoticeRun) -> None:
    state = "done" if run.done else "PENDING"
    typer.echo(
        f"notices {run.tenant} version {run.version}: {run.queued} emails queued, "
        f"{run.closed} consents closed, {run.unreachable} subjects without an email field, "
        f"{run.subjects} subjects gone through ({state})"
    )


@app.command()
@plain_errors
def notices(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant.")] = None,
) -> None:
    """Finish telling subjects of published changes, where a run stopped (a crash, an error)."""
    app_ = bootstrap.build(Settings())
    try:
        if tenant is None:
            runs = policy_changes.tell_everyone(app_.uow(), app_.clock())
        else:
            runs = policy_changes.tell(app_.uow(), tenant, app_.clock())
    finally:
        app_.close()
    if not runs:
        typer.echo("no notices pending")
    for run in runs:
        _print_run(run)
