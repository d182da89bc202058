"""`baomat docs …`: compliance documents from a tenant's live data, and its fides data map.

    baomat docs ropa --tenant wesale --lang vi --format pdf --output ropa.pdf
    baomat docs dpia --tenant wesale --lang en --format html --output dpia.html
    baomat docs fides --tenant wesale --output wesale.fides.yaml     # or --policy FILE

The documents read the tenant's policy in force and its store's counts, never a
subject's data; the fides map reads the policy alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
import yaml

from baomat import bootstrap
from baomat.cli._common import plain_errors
from baomat.config import Settings
from baomat.domain.errors import Invalid
from baomat.policy import fides as fides_map
from baomat.policy.loader import load_policy
from baomat.policy.model import Policy
from baomat.services import records
from baomat.services.tenants import PolicyCache

app = typer.Typer(
    help="Compliance documents from live data: the record of processing, the draft DPIA, "
    "and the fides data map.",
    no_args_is_help=True,
)

Tenant = Annotated[str, typer.Option(help="The tenant whose policy in force and data to use.")]
Lang = Annotated[str, typer.Option(help="Language: vi or en.")]
Format = Annotated[str, typer.Option("--format", help="html or pdf.")]
Output = Annotated[Path, typer.Option(help="File to write.")]


@app.command("ropa")
@plain_errors
def ropa(tenant: Tenant, output: Output, lang: Lang = "vi", fmt: Format = "html") -> None:
    """Write the record of processing activities (policy in force + live counts)."""
    _write("ropa", tenant, lang, fmt, output)


@app.command("dpia")
@plain_errors
def dpia(tenant: Tenant, output: Output, lang: Lang = "vi", fmt: Format = "html") -> None:
    """Write the draft impact-assessment dossier (policy in force + live counts)."""
    _write("dpia", tenant, lang, fmt, output)


@app.command("fides")
@plain_errors
def fides(
    tenant: Annotated[
        str | None, typer.Option(help="Export the tenant's policy in force from the store.")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option(help="Export this policy file instead (no store needed).")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of names: vi or en.")] = "en",
    fmt: Annotated[str, typer.Option("--format", help="yaml or json.")] = "yaml",
    output: Annotated[Path | None, typer.Option(help="File to write; stdout if absent.")] = None,
) -> None:
    """Export the data map in fideslang's format: systems, privacy declarations, dataset."""
    if (tenant is None) == (policy is None):
        raise Invalid("tenant", "give either --tenant or --policy, not both or neither")
    if lang not in records.LANGUAGES:
        raise Invalid("lang", f"choose one of {', '.join(records.LANGUAGES)}")
    if fmt not in ("yaml", "json"):
        raise Invalid("format", "choose one of yaml, json")
    chosen = load_policy(policy) if policy is not None else _current(str(tenant))
    manifest = fides_map.export(chosen, lang)
    text = (
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        if fmt == "json"
        else yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False)
    )
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, "utf-8")
    systems = len(manifest["system"])
    typer.echo(f"wrote the fides data map of {chosen.tenant} ({systems} systems) to {output}")


def _current(tenant: str) -> Policy:
    app_ = bootstrap.build(Settings())
    try:
        return PolicyCache().current(app_.uow(read_only=True), tenant)
    finally:
        app_.close()


def _write(kind: str, tenant: str, lang: str, fmt: str, output: Path) -> None:
    if fmt not in records.FORMATS:
        raise Invalid("format", f"choose one of {', '.join(records.FORMATS)}")
    app_ = bootstrap.build(Settings())
    try:
        now = app_.clock()
        policy = PolicyCache().current(app_.uow(read_only=True), tenant)
        doc = records.document(app_.uow(read_only=True), policy, kind, lang, now)
        content = records.render(doc, fmt, now)
    finally:
        app_.close()
    output.write_bytes(content)
    typer.echo(f"wrote the {kind} of {tenant} ({lang}, {fmt}) to {output}: {len(content)} bytes")
