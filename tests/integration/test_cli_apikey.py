"""`baomat apikey create/list/revoke` and `baomat serve` on a fresh home."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from typer.testing import CliRunner

from baomat import bootstrap
from baomat.cli.main import app
from baomat.config import Settings
from baomat.services import api_keys
from tests.integration.shop import SHOP

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with the shop loaded as its one tenant."""
    for name in ("DATABASE_URL", "KEYSTORE_URL", "MASTER_KEY", "INDEX_KEY"):
        monkeypatch.delenv(f"BAOMAT_{name}", raising=False)
    monkeypatch.setenv("BAOMAT_HOME", str(tmp_path / "home"))
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "shop.yaml").write_text(yaml.safe_dump(SHOP, allow_unicode=True), "utf-8")
    result = runner.invoke(app, ["init", "--policies", str(policies)])
    assert result.exit_code == 0, result.output
    return tmp_path / "home"


def test_a_key_is_created_listed_without_its_secret_and_revoked(home: Path) -> None:
    created = runner.invoke(app, ["apikey", "create", "--tenant", "shop", "--label", "backend"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert re.fullmatch(r"bm_[0-9a-f]{16}_[A-Za-z0-9_-]{43}", key)
    assert "shown only once" in created.stderr
    key_id, secret = key.split("_", 2)[1:]

    listed = runner.invoke(app, ["apikey", "list", "--tenant", "shop"])
    assert listed.exit_code == 0
    assert re.search(rf"^{key_id}  created \S+ \S+  active  backend$", listed.stdout, re.M)
    assert secret not in listed.output

    revoked = runner.invoke(app, ["apikey", "revoke", "--tenant", "shop", key_id])
    assert (revoked.exit_code, revoked.stdout.strip()) == (0, f"revoked: {key_id}")
    assert f"{key_id}  created" in runner.invoke(app, ["apikey", "list", "--tenant", "shop"]).stdout
    assert "revoked 2" in runner.invoke(app, ["apikey", "list", "--tenant", "shop"]).stdout

    again = runner.invoke(app, ["apikey", "revoke", "--tenant", "shop", key_id])
    assert again.exit_code == 2
    assert "already revoked" in again.stderr
    assert "Traceback" not in again.output


def test_the_printed_key_authenticates_as_its_tenant(home: Path) -> None:
    key = runner.invoke(app, ["apikey", "create", "--tenant", "shop", "--label", "x"]).stdout
    built = bootstrap.build(Settings(home=home), env={})
    try:
        assert api_keys.authenticate(built.uow(), key.strip()) == "shop"
    finally:
        built.close()


def test_an_unknown_tenant_or_key_is_one_plain_error_line(home: Path) -> None:
    for args in (
        ["apikey", "create", "--tenant", "nobody", "--label", "x"],
        ["apikey", "list", "--tenant", "nobody"],
        ["apikey", "revoke", "--tenant", "shop", "0123456789abcdef"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("error: ")
        assert "Traceback" not in result.output
    assert "has no API keys" in runner.invoke(app, ["apikey", "list", "--tenant", "shop"]).stdout


def test_serve_runs_the_api_on_the_given_address(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}

    def run(api: FastAPI, **kwargs: Any) -> None:
        served.update(kwargs, api=api)

    monkeypatch.setattr("uvicorn.run", run)
    result = runner.invoke(app, ["serve", "--port", "8123"])

    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert isinstance(served["api"], FastAPI)
    assert "http://127.0.0.1:8123/openapi.json" in result.stdout
