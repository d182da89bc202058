"""The CLI end to end on a fresh home: init, verify, tamper, rotate, wrong key."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from baomat.cli.main import app
from baomat.store import crypto

runner = CliRunner()
TENANTS = {"clevergroup", "ecomviet", "wecan", "wesale", "wesoft"}


def _env(home: Path, **extra: str | None) -> dict[str, str | None]:
    env: dict[str, str | None] = {
        "BAOMAT_HOME": str(home),
        "BAOMAT_DATABASE_URL": None,
        "BAOMAT_KEYSTORE_URL": None,
        "BAOMAT_MASTER_KEY": None,
        "BAOMAT_INDEX_KEY": None,
    }
    env.update(extra)
    return env


def test_init_loads_the_five_example_tenants_and_verify_passes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init"], env=_env(tmp_path))
    assert result.exit_code == 0, result.output
    for tenant in TENANTS:
        assert f"tenant {tenant}: version 1 created" in result.output
    assert (tmp_path / "keys" / "master.key").stat().st_mode & 0o077 == 0

    again = runner.invoke(app, ["init"], env=_env(tmp_path))
    assert again.exit_code == 0
    assert "keys: kept the existing ones" in again.output
    assert again.output.count("unchanged") == 5

    verified = runner.invoke(app, ["audit", "verify"], env=_env(tmp_path))
    assert verified.exit_code == 0, verified.output
    assert "OK: 10 audit entries verified" in verified.output


def test_verify_fails_and_names_an_entry_edited_with_sql(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"], env=_env(tmp_path)).exit_code == 0
    with sqlite3.connect(tmp_path / "baomat.sqlite3") as db:
        db.execute(
            "UPDATE audit_entries SET actor = 'someone' WHERE tenant_id = 'wecan' AND seq = 2"
        )
    result = runner.invoke(app, ["audit", "verify"], env=_env(tmp_path))
    assert result.exit_code == 1
    assert "BROKEN: tenant wecan: audit entry 2: was edited" in result.output
    assert "Traceback" not in result.output


def test_keys_rotate_keeps_the_store_usable(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"], env=_env(tmp_path)).exit_code == 0
    old = (tmp_path / "keys" / "master.key").read_text()
    result = runner.invoke(app, ["keys", "rotate"], env=_env(tmp_path))
    assert result.exit_code == 0, result.output
    assert "rotated: master key" in result.output
    assert (tmp_path / "keys" / "master.key").read_text() != old
    verified = runner.invoke(app, ["audit", "verify"], env=_env(tmp_path))
    assert "OK: 15 audit entries verified" in verified.output  # one rotation entry per tenant


def test_a_wrong_master_key_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"], env=_env(tmp_path)).exit_code == 0
    store = tmp_path / "baomat.sqlite3"
    with sqlite3.connect(store) as db:
        before = db.execute("SELECT count(*) FROM audit_entries").fetchone()
    wrong = crypto.MasterKey.generate().to_text()
    result = runner.invoke(app, ["init"], env=_env(tmp_path, BAOMAT_MASTER_KEY=wrong))
    assert result.exit_code == 2
    assert "the master key does not match" in result.output
    assert "Traceback" not in result.output
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM audit_entries").fetchone() == before
