"""`baomat staff create/list/disable` on a fresh home: the password never echoed nor printed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from baomat import bootstrap
from baomat.cli.main import app
from baomat.config import Settings
from baomat.services import staff
from tests.integration.logins import PASSWORD
from tests.integration.shop import AT, SHOP

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_passwords: None) -> Path:
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


def _create(*args: str, stdin: str) -> tuple[int, str, str]:
    base = ["staff", "create", "--tenant", "shop"]
    result = runner.invoke(app, [*base, *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_an_account_is_created_from_a_hidden_prompt_and_can_log_in(home: Path) -> None:
    code, out, err = _create("--id", "lan", "--role", "dpo", stdin=f"{PASSWORD}\n{PASSWORD}\n")

    assert code == 0, err
    assert out.strip().endswith("created: lan (dpo)")
    assert PASSWORD not in out + err
    built = bootstrap.build(Settings(home=home), env={})
    try:
        assert staff.login_staff(built.uow(), "shop", "lan", PASSWORD, AT).token.startswith("bs_")
    finally:
        built.close()


def test_a_confirmation_that_differs_creates_nothing(home: Path) -> None:
    code, out, err = _create(
        "--id", "lan", "--role", "dpo", stdin=f"{PASSWORD}\nsomething else entirely\n"
    )

    assert code != 0
    assert PASSWORD not in out + err
    listed = runner.invoke(app, ["staff", "list", "--tenant", "shop"])
    assert "has no staff accounts" in listed.stdout


def test_accounts_are_listed_and_disabled(home: Path) -> None:
    for staff_id, role in (("lan", "dpo"), ("minh", "auditor")):
        code, _, err = _create(
            "--id", staff_id, "--role", role, "--password-stdin", stdin=PASSWORD + "\n"
        )
        assert code == 0, err

    disabled = runner.invoke(app, ["staff", "disable", "--tenant", "shop", "--id", "minh"])
    listed = runner.invoke(app, ["staff", "list", "--tenant", "shop"])

    assert (disabled.exit_code, disabled.stdout.strip()) == (0, "disabled: minh")
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("lan  dpo  created ") and lines[0].endswith("  active")
    assert lines[1].startswith("minh  auditor  created ") and "  disabled " in lines[1]
    assert "argon2" not in listed.stdout


def test_bad_input_is_one_plain_error_line(home: Path) -> None:
    cases = [
        (["--id", "lan", "--role", "dpo", "--password-stdin"], "short\n", "at least 12"),
        (["--id", "Lan Anh", "--role", "dpo", "--password-stdin"], PASSWORD + "\n", "staff_id"),
    ]
    for args, stdin, message in cases:
        code, out, err = _create(*args, stdin=stdin)
        assert code == 2, args
        assert err.startswith("error: ") and message in err
        assert "Traceback" not in out + err
    for args in (
        ["staff", "disable", "--tenant", "shop", "--id", "nobody"],
        ["staff", "list", "--tenant", "nowhere"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("error: ")
